import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildReport, ComparisonMatrixSchema, DynamicsResultSchema, reportDataForModel, ParetoFrontSchema, writeReport } from '@occam/report';
import { dynamics, fittedNeuron, search, transfer, universality } from './fixtures.js';

/**
 * The report in a real browser: Debian's Chromium, headless, driven by playwright-core (never a browser
 * that playwright downloads). CI installs it with `apt-get install -y chromium`.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const SCREENSHOT = fileURLToPath(new URL('../../../test-artifacts/report.png', import.meta.url));
const suite = hasChromium
  ? 'report in headless Chromium'
  : `report in headless Chromium — SKIPPED: ${CHROMIUM} is missing (install it with: apt-get install -y chromium)`;
if (!hasChromium) console.warn(`[@occam/report] browser test skipped: ${CHROMIUM} not found; install Debian's chromium to run it`);

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
  let file: string;
  const consoleErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const { dataset, model } = fittedNeuron();
    const html = buildReport([{ model, label: 'planted neuron (E/I × distance)', prediction: reportDataForModel(model, dataset) }], {
      title: 'occam report — browser test',
      search: [ParetoFrontSchema.parse(search)],
      matrices: [ComparisonMatrixSchema.parse(universality), ComparisonMatrixSchema.parse(transfer)],
      dynamics: [DynamicsResultSchema.parse(dynamics)],
    });
    file = join(await mkdtemp(join(tmpdir(), 'occam-report-')), 'report.html');
    await writeReport(file, html);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
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
});
