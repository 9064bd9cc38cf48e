/** The page's CSS (inline; figures carry their own styling so exported SVGs look the same). */
export const PAGE_STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fafafa; color: #1a1a1a; font: 15px/1.5 'DejaVu Sans', Helvetica, Arial, sans-serif; }
header.page { background: #ffffff; border-bottom: 1px solid #e0e0e0; padding: 20px 32px 12px; }
header.page h1 { margin: 0 0 4px; font-size: 26px; }
header.page .sources { color: #555; font-size: 13px; margin: 4px 0; }
main { padding: 8px 32px 48px; max-width: 2000px; }
nav.toc { font-size: 14px; margin: 8px 0 0; }
nav.toc a { margin-right: 16px; color: #4a2a7a; }
section { margin: 24px 0 40px; }
h2 { font-size: 22px; border-bottom: 2px solid #6a3d9a; padding-bottom: 4px; margin: 28px 0 8px; }
h3 { font-size: 17px; margin: 20px 0 8px; color: #333; }
h4 { font-size: 15px; margin: 0; }
code { font-size: 13px; background: #f0f0f0; padding: 0 3px; border-radius: 3px; }
.provenance, .spec { color: #444; font-size: 13.5px; margin: 4px 0; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: 6px 12px; font-size: 14px; }
.warnings { background: #fff3e0; border-left: 4px solid #e65100; padding: 4px 12px; font-size: 14px; }
.warn { color: #b71c1c; }
table.metrics { border-collapse: collapse; background: #ffffff; margin: 8px 0; font-size: 14px; }
table.metrics caption { text-align: left; font-weight: bold; padding: 4px 0; }
table.metrics th, table.metrics td { border: 1px solid #dddddd; padding: 4px 10px; vertical-align: top; }
table.metrics thead th { background: #f2f2f2; }
table.metrics th[scope=row] { text-align: left; font-weight: normal; }
table.metrics .hint { display: block; color: #777; font-size: 12px; }
table.metrics td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.metrics tr.miss th[scope=row] { color: #b2182b; font-weight: bold; }
table.metrics td.line { font-size: 12px; color: #444; max-width: 420px; }
table.metrics td.null-fraction { max-width: 360px; }
table.metrics .model { background: #f3eefa; font-weight: bold; }
table.metrics tr.chosen th { font-weight: bold; }
.tag { background: #6a3d9a; color: #fff; border-radius: 3px; padding: 0 5px; font-size: 12px; }
.gain { font-size: 14px; margin: 4px 0; }
.hint-line { color: #666; font-size: 12.5px; margin: 2px 0; }
p.warnings { padding: 6px 12px; }
details { margin: 8px 0; }
.swatch { display: inline-block; width: 11px; height: 11px; margin: 0 3px 0 2px; vertical-align: baseline; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(500px, 1fr)); gap: 18px; }
figure.figure { margin: 0; background: #ffffff; border: 1px solid #e0e0e0; border-radius: 6px; padding: 10px 12px; }
figure.figure.wide { grid-column: 1 / -1; }
.figure-head { display: flex; justify-content: space-between; align-items: center; gap: 12px; margin-bottom: 6px; }
.figure-body svg { display: block; width: 100%; height: auto; max-width: 100%; }
table.single-values th[scope=row], table.single-values td { white-space: nowrap; }
.figure-table { overflow-x: auto; }
figcaption { font-size: 13px; color: #444; margin-top: 6px; }
button.download-svg { font: inherit; font-size: 12.5px; padding: 3px 10px; border: 1px solid #6a3d9a; color: #4a2a7a; background: #f7f3fc; border-radius: 4px; cursor: pointer; white-space: nowrap; }
button.download-svg:hover { background: #ebe1f7; }
@media print { button.download-svg { display: none; } body { background: #fff; } }
`;
