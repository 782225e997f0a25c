import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Renders a Vega-Lite spec to an SVG string in Node, with Vega's headless
 * renderer (no browser, no canvas, no network: specs carry their data).
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Prefixes every `id` in an SVG, and the `url(#...)` and `href="#..."`
 * references to it, so several SVGs can sit in one HTML page: Vega names
 * gradients `gradient_0` in every chart, and the first definition in a
 * page would otherwise win.
 */
export function prefixSvgIds(svg: string, prefix: string): string {
  const ids = new Set<string>();
  for (const match of svg.matchAll(/\sid="([^"]+)"/g)) {
    ids.add(match[1]!);
  }
  let out = svg;
  for (const id of ids) {
    const quoted = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out
      .replace(new RegExp(`(\\sid=")${quoted}"`, 'g'), `$1${prefix}${id}"`)
      .replace(new RegExp(`url\\(#${quoted}\\)`, 'g'), `url(#${prefix}${id})`)
      .replace(
        new RegExp(`(href=")#${quoted}"`, 'g'),
        `$1#${prefix}${id}"`,
      );
  }
  return out;
}
