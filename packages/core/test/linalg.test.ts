import { describe, expect, it } from 'vitest';
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix, QrDecomposition, solve } from 'ml-matrix';
import { mulberry32 } from '@occam/core';
import { Cholesky } from '../src/linalg/cholesky.js';
import { largestEigenvalueBound } from '../src/linalg/largestEigenvalue.js';
import { solveDense } from '../src/linalg/solveDense.js';
import { spannedColumns } from '../src/linalg/spannedColumns.js';

// The small dense module stays on typed arrays (it runs inside the solvers' loops); ml-matrix is the reference here.
const rand = mulberry32(11);
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
const randomMatrix = (rows: number, cols: number) => new Matrix(Array.from({ length: rows }, () => Array.from({ length: cols }, gauss)));
/** BᵀB for a random 3q × q B: symmetric positive definite with a spread of eigenvalues, row-major. */
function randomSpd(q: number): Float64Array {
  const B = randomMatrix(3 * q, q);
  return Float64Array.from(B.transpose().mmul(B).to1DArray());
}

describe('Cholesky', () => {
  const q = 12;
  const A = randomSpd(q);
  const chol = Cholesky.factor(A, q)!;

  it('factors a random SPD matrix so that L·Lᵀ reproduces it, with the factor ml-matrix finds', () => {
    const L = new Matrix(q, q);
    for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) L.set(i, j, chol.L[i * q + j]);
    const product = L.mmul(L.transpose()).to1DArray();
    product.forEach((v, k) => expect(v).toBeCloseTo(A[k], 10));
    const reference = new CholeskyDecomposition(new Matrix(Array.from({ length: q }, (_, i) => Array.from(A.subarray(i * q, (i + 1) * q)))))
      .lowerTriangularMatrix;
    for (let i = 0; i < q; i++) for (let j = 0; j <= i; j++) expect(chol.L[i * q + j]).toBeCloseTo(reference.get(i, j), 10);
  });

  it('solves A·x = b (checked by multiplying back)', () => {
    const b = Float64Array.from({ length: q }, gauss);
    const x = chol.solve(b);
    for (let i = 0; i < q; i++) {
      let s = 0;
      for (let j = 0; j < q; j++) s += A[i * q + j] * x[j];
      expect(s).toBeCloseTo(b[i], 9);
    }
  });

  it('refuses a matrix that is not positive definite, and flags a nearly singular one by its pivots', () => {
    const indefinite = Float64Array.from([1, 2, 2, 1]);
    expect(Cholesky.factor(indefinite, 2)).toBeNull();
    const nearlySingular = Float64Array.from([1, 1, 1, 1 + 1e-14]);
    expect(Cholesky.factor(nearlySingular, 2)!.smallestPivotRatio()).toBeLessThan(1e-13);
    expect(chol.smallestPivotRatio()).toBeGreaterThan(1e-6);
  });
});

describe('solveDense', () => {
  it('solves a random non-symmetric system (checked by multiplication and against ml-matrix)', () => {
    const m = 8;
    const A = randomMatrix(m, m).to2DArray();
    const b = Array.from({ length: m }, gauss);
    const x = solveDense(A, b);
    A.forEach((row, i) => expect(row.reduce((s, v, j) => s + v * x[j], 0)).toBeCloseTo(b[i], 9));
    const reference = solve(new Matrix(A), Matrix.columnVector(b)).to1DArray();
    x.forEach((v, i) => expect(v).toBeCloseTo(reference[i], 9));
  });

  it('leaves an unknown with no equation at 0 and solves the rest', () => {
    const x = solveDense(
      [
        [2, 0, 0],
        [0, 0, 0],
        [0, 0, 4],
      ],
      [2, 0, 8],
    );
    expect(x).toEqual([1, 0, 2]);
  });
});

describe('largestEigenvalueBound', () => {
  it('bounds the largest eigenvalue of a symmetric block from above by at most 5 %', () => {
    // A 5 × 5 block with known eigenvalues 10, 3, 2, 1, 0.5 (random orthogonal basis), placed at scattered
    // indices of a 9 × 9 matrix whose other entries are noise the bound must not read.
    const Q = new QrDecomposition(randomMatrix(5, 5)).orthogonalMatrix;
    const block = Q.mmul(Matrix.diag([10, 3, 2, 1, 0.5])).mmul(Q.transpose());
    const q = 9;
    const idx = [1, 3, 4, 6, 7];
    const A = Float64Array.from({ length: q * q }, () => 100 * gauss());
    idx.forEach((a, i) => idx.forEach((b, j) => (A[a * q + b] = block.get(i, j))));
    const largest = Math.max(...new EigenvalueDecomposition(block).realEigenvalues);
    expect(largest).toBeCloseTo(10, 10);
    const bound = largestEigenvalueBound(A, q, idx);
    expect(bound).toBeGreaterThanOrEqual(largest);
    expect(bound).toBeLessThanOrEqual(1.05 * largest * (1 + 1e-9));
  });

  it('is 0 for a zero block', () => {
    expect(largestEigenvalueBound(new Float64Array(9), 3, [0, 2])).toBe(0);
  });
});

describe('spannedColumns', () => {
  // Gram matrix of columns x0, x1, x2 = x0 + x1 (exactly spanned), x3 = x0 + 0.1·noise (not spanned).
  const n = 500;
  const cols = [Array.from({ length: n }, gauss), Array.from({ length: n }, gauss)];
  cols.push(cols[0].map((v, i) => v + cols[1][i]));
  cols.push(cols[0].map((v) => v + 0.1 * gauss()));
  const q = cols.length;
  const G = new Float64Array(q * q);
  for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) G[a * q + b] = cols[a].reduce((s, v, i) => s + v * cols[b][i], 0);
  const diagonal = (c: number) => G[c * q + c];

  it('reports the later of collinear columns, and only it', () => {
    expect(spannedColumns(G, q, [0, 1, 2, 3], diagonal, () => true, 1e-6)).toEqual([2]);
  });

  it('keeps a column it may not drop, reporting the next one that is spanned instead', () => {
    expect(spannedColumns(G, q, [2, 0, 1, 3], diagonal, (c) => c !== 2, 1e-6)).toEqual([1]);
  });
});
