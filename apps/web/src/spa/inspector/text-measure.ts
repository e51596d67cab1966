import type { FontSpec, Measure } from './chain-geometry';

let context: CanvasRenderingContext2D | null | undefined;

/**
 * Measures text with a canvas in the page's own fonts, so the diagram's boxes fit what the SVG will draw.
 * Falls back to a generous per-character estimate when no canvas is available.
 */
export const measureText: Measure = (text: string, font: FontSpec): number => {
  context ??= document.createElement('canvas').getContext('2d');
  if (context === null) return estimateText(text, font);
  context.font = `${font.weight} ${font.size}px ${font.family}`;
  return context.measureText(text).width;
};

/** An upper bound for common fonts: 0.62 em per character (monospace fonts are 0.6 em). */
export const estimateText: Measure = (text: string, font: FontSpec): number => text.length * font.size * 0.62;
