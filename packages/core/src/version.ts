export const OCCAM_VERSION = '0.1.0';
