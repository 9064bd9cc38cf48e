import { linearScale, logScale, type Scale } from './scale.js';

export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** The pixel box of one plot and the scales that map data into it. */
export interface PlotFrame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  x: Scale;
  y: Scale;
}

export interface AxisDomain {
  domain: [number, number];
  /** Log₁₀ axis (the domain must be positive). */
  log?: boolean;
  /** y only: values grow downwards (raster rows, matrix rows). */
  reversed?: boolean;
}

export function plotFrame(options: { width: number; height: number; margin: Margin; x: AxisDomain; y: AxisDomain }): PlotFrame {
  const { width, height, margin } = options;
  const left = margin.left;
  const right = width - margin.right;
  const top = margin.top;
  const bottom = height - margin.bottom;
  const xs = options.x.log ? logScale : linearScale;
  const ys = options.y.log ? logScale : linearScale;
  return {
    width,
    height,
    left,
    right,
    top,
    bottom,
    x: xs(options.x.domain, [left, right]),
    y: ys(options.y.domain, options.y.reversed ? [top, bottom] : [bottom, top]),
  };
}
