// Bar charts as inline SVG, drawn on the server: readable without JavaScript, scaled by the viewBox to any
// width, with a <title>/<desc> for screen readers and a <title> per bar (its label and count on hover).
// Colours: blue bars and orange flagged ones (distinguishable with the common colour-vision deficiencies);
// a flagged bar is also marked by a triangle above it, so colour is never the only cue. Every text is escaped.

export interface ChartBar {
  label: string;
  n: number;
  /** Drawn in the flag colour with a marker (a spike, the current hour). */
  flag?: boolean;
  /** Text under the axis at this bar; when any bar has one, only those bars are labelled. */
  tick?: string;
}

export interface ChartModel {
  title: string;
  desc: string;
  bars: ChartBar[];
  /** Bars labelled under the axis: every `labelEvery`-th one (default: about eight labels). */
  labelEvery?: number;
  /** What one count is, for the bar titles: "items". */
  noun?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const BAR = '#2563eb';
const FLAG = '#c2410c';
let ids = 0;

/** The chart as an <svg> element string. */
export function barChart(m: ChartModel, size: { width?: number; height?: number } = {}): string {
  const width = size.width ?? 640;
  const height = size.height ?? 140;
  const top = 14;
  const bottom = 18;
  const left = 28;
  const plotH = height - top - bottom;
  const max = Math.max(1, ...m.bars.map((b) => b.n));
  const slot = (width - left) / Math.max(1, m.bars.length);
  const gap = slot > 6 ? 1 : 0;
  const every = m.labelEvery ?? Math.max(1, Math.ceil(m.bars.length / 8));
  const ticked = m.bars.some((b) => b.tick);
  const noun = m.noun ?? 'items';
  const id = `chart${++ids}`;
  const parts: string[] = [
    `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-t ${id}-d" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${id}-t">${esc(m.title)}</title><desc id="${id}-d">${esc(m.desc)}</desc>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${width}" y2="${top + plotH}" stroke="#6b7280" stroke-width="1"/>`,
    `<text x="${left - 4}" y="${top + 4}" text-anchor="end" font-size="10" fill="#374151">${max}</text>`,
    `<text x="${left - 4}" y="${top + plotH}" text-anchor="end" font-size="10" fill="#374151">0</text>`,
  ];
  m.bars.forEach((b, i) => {
    const h = Math.round((b.n / max) * plotH * 10) / 10;
    const x = Math.round((left + i * slot) * 10) / 10;
    const w = Math.max(0.5, Math.round((slot - gap) * 10) / 10);
    const y = top + plotH - h;
    parts.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${b.flag ? FLAG : BAR}"><title>${esc(b.label)}: ${b.n} ${esc(noun)}</title></rect>`);
    if (b.flag) parts.push(`<path d="M${x + w / 2 - 4},${y - 9} h8 l-4,6 z" fill="${FLAG}" aria-hidden="true"/>`);
    const under = ticked ? b.tick : i % every === 0 ? b.label : undefined;
    // A label starting near the right edge would be cut off: it ends at the edge instead.
    const at = x > width - 48 ? `x="${width - 1}" text-anchor="end"` : `x="${x}"`;
    if (under) parts.push(`<text ${at} y="${height - 4}" font-size="10" fill="#374151">${esc(under)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
