export const OCCAM_VERSION = '0.1.0';

/**
 * Revision of how a spec's candidates and tasks are fitted and scored: part of every search checkpoint's
 * fingerprint and every executor task's key, so a checkpoint or a kept work folder written by an occam whose fits
 * gave other figures is refused or recomputed, never resumed as if current. Bump it with any change that moves a
 * fitted figure for the same data and spec. 2: separable specs with one spatial value or one temporal function are
 * fitted as the full filter. 3: filter-band (Laplace) draws aligned with the whole fitted spatial curve.
 */
export const FIT_REVISION = 3;
