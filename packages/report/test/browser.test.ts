import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ReducedModel } from '@occam/core';
import { buildReport, ComparisonMatrixSchema, DynamicsResultSchema, reportDataForModel, ParetoFrontSchema, writeReport } from '@occam/report';
import {
  dynamicsWithIntervals,
  fittedLagLanguageModel,
  fittedLanguageModel,
  fittedNeuron,
  searchWithIntervals,
  transfer,
  universalityWithIntervals,
  withFilterBands,
} from './fixtures.js';

/**
 * The report in a real browser: Debian's Chromium, headless, driven by playwright-core (never a browser
 * that playwright downloads). CI installs it with `apt-get install -y chromium`.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const SCREENSHOT = fileURLToPath(new URL('../../../test-artifacts/report.png', import.meta.url));
const LM_SCREENSHOT = fileURLToPath(new URL('../../../test-artifacts/report-language-model.png', import.meta.url));
const suite = hasChromium
  ? 'report in headless Chromium'
  : `report in headless Chromium — SKIPPED: ${CHROMIUM} is missing (install it with: apt-get install -y chromium)`;
if (!hasChromium) console.warn(`[@occam/report] browser test skipped: ${CHROMIUM} not found; install Debian's chromium to run it`);

/** Pixels two text boxes may share (anti-aliasing, rounding) before they count as overlapping. */
const TOLERANCE = 1;

/**
 * Every SVG text element of the page, measured where the browser laid it out: any two in one figure that
 * overlap by more than TOLERANCE in both directions, and any that sticks out of its SVG (cut off by the
 * viewBox), as readable problems. Rotated text is measured by its bounding box on screen.
 */
async function textProblems(page: Page): Promise<{ texts: number; problems: string[] }> {
  interface Rect {
    left: number;
    right: number;
    top: number;
    bottom: number;
    width: number;
    height: number;
  }
  interface Node {
    id: string;
    textContent: string | null;
    getBoundingClientRect(): Rect;
    querySelector(selector: string): Node | null;
    querySelectorAll(selector: string): ArrayLike<Node>;
  }
  return page.$$eval(
    'figure.figure',
    (elements, tolerance) => {
      const problems: string[] = [];
      let texts = 0;
      for (const figure of elements as unknown as Node[]) {
        const svg = figure.querySelector('.figure-body svg');
        if (!svg) continue;
        const frame = svg.getBoundingClientRect();
        const boxes = Array.from(svg.querySelectorAll('text'))
          .map((t) => ({ text: (t.textContent ?? '').trim(), box: t.getBoundingClientRect() }))
          .filter((t) => t.text.length > 0 && t.box.width > 0 && t.box.height > 0);
        texts += boxes.length;
        for (const { text, box } of boxes) {
          if (
            box.left < frame.left - tolerance ||
            box.right > frame.right + tolerance ||
            box.top < frame.top - tolerance ||
            box.bottom > frame.bottom + tolerance
          )
            problems.push(`${figure.id}: "${text}" is clipped by its SVG`);
        }
        for (let i = 0; i < boxes.length; i++)
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i].box;
            const b = boxes[j].box;
            const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (dx > tolerance && dy > tolerance)
              problems.push(`${figure.id}: "${boxes[i].text}" overlaps "${boxes[j].text}" (${dx.toFixed(1)} × ${dy.toFixed(1)} px)`);
          }
      }
      return { texts, problems };
    },
    TOLERANCE,
  );
}

interface FigureState {
  id: string;
  width: number;
  height: number;
  marks: number;
  drawn: number;
  points: number;
}

describe.skipIf(!hasChromium)(suite, () => {
  let browser: Browser;
  let page: Page;
  let lmPage: Page;
  let stressPage: Page;
  let file: string;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const lm = fittedLanguageModel();
  const lagLm = fittedLagLanguageModel();

  beforeAll(async () => {
    // Every interval a result can carry, drawn: filter bands, score error bars, Pareto bars, matrix cells, dynamics bands.
    const { dataset, model } = fittedNeuron();
    const html = buildReport([{ model: withFilterBands(model), label: 'planted neuron (E/I × distance)', prediction: reportDataForModel(model, dataset) }], {
      title: 'occam report — browser test',
      search: [ParetoFrontSchema.parse(searchWithIntervals)],
      matrices: [ComparisonMatrixSchema.parse(universalityWithIntervals), ComparisonMatrixSchema.parse(transfer)],
      dynamics: [DynamicsResultSchema.parse(dynamicsWithIntervals)],
    });
    file = join(await mkdtemp(join(tmpdir(), 'occam-report-')), 'report.html');
    await writeReport(file, html);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    const open = async (path: string) => {
      const p = await context.newPage();
      p.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      p.on('pageerror', (e) => consoleErrors.push(String(e)));
      p.on('request', (r) => requests.push(r.url()));
      await p.goto(pathToFileURL(path).href, { waitUntil: 'load' });
      return p;
    };
    page = await open(file);
    // A language model's report as `occam lm reduce` + `occam report --control` give it with the default spec:
    // 17 groups (12 over 16–17 token offsets, 5 at one offset), a random-weights control and a selectivity.
    const lmFile = join(dirname(file), 'report-language-model.html');
    await writeReport(
      lmFile,
      buildReport(
        [
          {
            model: lm.model,
            label: 'copy-2l-s1: next-token-correct',
            prediction: reportDataForModel(lm.model, lm.dataset),
            control: { model: lm.control, label: 'random-weights control' },
            selectivity: { bitsPerEvent: { estimate: 0.181, low: 0.12, high: 0.243 }, stratifiedAuroc: { estimate: 0.21, low: 0.15, high: 0.27 }, level: 0.95 },
          },
        ],
        { title: 'occam report — language model' },
      ),
    );
    lmPage = await open(lmFile);
    // Crowded and long-labelled cases no bundled model has: 3 groups whose names are longer than a legend row,
    // 7 and 30 groups, and several models on one page.
    const relabel = (model: ReducedModel, count: number, name: (i: number) => string): ReducedModel => {
      const groups = Array.from({ length: count }, (_, i) => ({ ...model.filters.groups[i % model.filters.groups.length], label: name(i) }));
      return { ...model, layout: { ...model.layout, groups: groups.map((g) => g.label) }, filters: { ...model.filters, groups } };
    };
    const long = (i: number) =>
      `component=attention-output-projection, layer=${i}, head=${i + 10}, sign=${i % 2 ? 'neg' : 'pos'}, feature=direct-effect-on-the-answer-logit`;
    const stressFile = join(dirname(file), 'report-stress.html');
    await writeReport(
      stressFile,
      buildReport([
        {
          model: relabel(lm.model, 3, long),
          label: 'three long-named groups',
          control: { model: relabel(lm.control, 3, long), label: 'random-weights control' },
        },
        { model: relabel(lm.model, 7, long), label: 'seven long-named groups' },
        { model: relabel(lm.model, 30, (i) => `component=mlp-neurons, layer=${i}, sign=${i % 2 ? 'neg' : 'pos'}`), label: 'thirty groups' },
        // The token offset on the temporal axis (examples/lm-induction.spec.json): lag panels and heatmaps.
        {
          model: withFilterBands(lagLm.model),
          label: 'token offset as lag (15 groups, with bands)',
          control: { model: lagLm.control, label: 'random-weights control' },
        },
        { model: relabel(lagLm.model, 7, long), label: 'token offset as lag, seven long-named groups' },
      ]),
    );
    stressPage = await open(stressFile);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('loads offline with no console errors and draws every figure with data', async () => {
    // Runs in the page; typed structurally so the test needs no DOM lib.
    interface Box {
      width: number;
      height: number;
    }
    interface Node {
      id: string;
      getAttribute(name: string): string | null;
      getBBox(): Box;
      getBoundingClientRect(): Box;
      querySelector(selector: string): Node | null;
      querySelectorAll(selector: string): ArrayLike<Node>;
    }
    const figures: FigureState[] = await page.$$eval('figure.figure', (elements) =>
      (elements as unknown as Node[]).map((f) => {
        const svg = f.querySelector('.figure-body svg');
        const marks = svg ? Array.from(svg.querySelectorAll('.mark')) : [];
        const box = svg?.getBoundingClientRect();
        return {
          id: f.id,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          marks: marks.length,
          drawn: marks.filter((m) => {
            const b = m.getBBox();
            return b.width > 0 || b.height > 0;
          }).length,
          points: marks.reduce((s, m) => s + Number(m.getAttribute('data-points') ?? 0), 0),
        };
      }),
    );
    mkdirSync(fileURLToPath(new URL('.', pathToFileURL(SCREENSHOT))), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    expect(consoleErrors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    const ids = figures.map((f) => f.id);
    for (const want of [
      'model-1-spatial-filters',
      'model-1-temporal-filters',
      'model-1-full-filter-type-excitatory',
      'model-1-full-filter-type-inhibitory',
      'model-1-history-filter',
      'model-1-nonlinearity',
      'model-1-roc',
      'model-1-example-trials',
      'model-1-raster',
      'model-1-psth',
      'search-1-pareto-front',
      'comparisons-universality-trial-to-trial-auroc',
      'comparisons-transfer-gain-over-psth-bits-event',
      'dynamics-1-metric',
      'model-1-score-intervals',
      'dynamics-1-selectivity-bits',
      'dynamics-1-selectivity-stratified',
    ])
      expect(ids).toContain(want);
    for (const f of figures) {
      expect(f.width, f.id).toBeGreaterThan(300);
      expect(f.height, f.id).toBeGreaterThan(150);
      expect(f.marks, `${f.id}: data marks`).toBeGreaterThan(0);
      expect(f.drawn, `${f.id}: marks with geometry`).toBe(f.marks);
      expect(f.points, `${f.id}: data points`).toBeGreaterThan(1);
    }
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('saves a figure as a standalone SVG file without a network', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#model-1-roc button.download-svg')]);
    expect(download.suggestedFilename()).toBe('model-1-roc.svg');
    const svg = await readFile((await download.path())!, 'utf8');
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toContain('data-series="model"');
    expect(svg).toContain('AUROC');
    expect(consoleErrors).toEqual([]);
  });
  it('neuron report: no SVG text overlaps another or is clipped', async () => {
    const { texts, problems } = await textProblems(page);
    expect(texts).toBeGreaterThan(100);
    expect(problems).toEqual([]);
  });

  it('language-model report: every group readable, controls beside the model, no overlapping or clipped text', async () => {
    mkdirSync(dirname(LM_SCREENSHOT), { recursive: true });
    await lmPage.screenshot({ path: LM_SCREENSHOT, fullPage: true });
    const { texts, problems } = await textProblems(lmPage);
    expect(texts).toBeGreaterThan(100);
    expect(problems).toEqual([]);
    // One panel per group read at several offsets (12), each plot at least 80 px tall on screen: never a strip under a legend.
    const multi = lm.model.filters.groups.filter((g) => g.atoms > 1);
    const panels = await lmPage.$$eval('#model-1-offset-filters .panel', (els) =>
      (els as unknown as { querySelector(s: string): { getBoundingClientRect(): { height: number } } | null }[]).map(
        (e) => e.querySelector('.axis-y line:last-of-type')?.getBoundingClientRect().height ?? 0,
      ),
    );
    expect(panels).toHaveLength(multi.length);
    for (const h of panels) expect(h).toBeGreaterThan(80);
    for (const id of ['model-1-offset-heatmap', 'model-1-control-offset-heatmap']) expect(await lmPage.$(`#${id} svg .mark`)).not.toBeNull();
    // No one-point temporal figures; the single-offset groups in a table with the control's weights.
    expect(await lmPage.$('[id^="model-1-temporal"]')).toBeNull();
    const rows = await lmPage.$$eval('#model-1-offset-single-weights tbody tr', (els) => els.length);
    expect(rows).toBe(lm.model.filters.groups.length - multi.length);
    const body = await lmPage.textContent('main');
    expect(body).toContain('random-weights control');
    expect(body).toContain('0.181 [0.120, 0.243]');
    expect(body).not.toMatch(/excitatory|inhibitory|Γ|reduced neuron|PSTH/);
    expect(existsSync(LM_SCREENSHOT)).toBe(true);
    expect(consoleErrors).toEqual([]);
  });
  it('crowded and long-labelled language models: no overlapping or clipped text either', async () => {
    const { texts, problems } = await textProblems(stressPage);
    expect(texts).toBeGreaterThan(150);
    expect(problems).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
