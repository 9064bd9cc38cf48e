;; Row-pass kernels for GLM fitting: the O(n·p) linear predictor and gradient passes and the O(n·p²) Gram
;; (Hessian) accumulation, on f64x2 SIMD lanes. Source of glmKernelsWasm.ts; rebuild with
;; `node tools/wasm-kernels/build.mjs` (packages/core/test/kernels.test.ts checks the committed bytes match).
;;
;; Everything works on a chunk of m design rows in this module's memory. Pointers are byte offsets.
;;   x     f32, column-major, column stride ld: row i of column c is at x + 4·(c·ld + i), i < m (the design
;;         stays float32, as occam stores it; x points at the chunk's first row)
;;   b     f64, column-major m × p (stride m): the chunk promoted to f64 (the Gram reads each value p/2 times)
;;   eta, v, h   f64 vectors of length m;  beta, out   f64 vectors of length p;  gram   f64 p × p, row stride ldg
;; Callers pad so the SIMD loops need no tails: m is even (extra rows are zero with weight 0) and p is a
;; multiple of 4 (extra columns are zero). Lane k of every f64x2 holds rows with i ≡ k (mod 2); lanes are
;; added at the end. float32 values are widened exactly (f64x2.promote_low_f32x4), and every product and
;; sum is in float64, so results agree with the scalar JavaScript loops to rounding.
(module
  (memory (export "memory") 1)

  ;; eta[i] += Σ_c beta[c]·x[c][i]. Four columns per sweep, so each eta pair is loaded and stored once per
  ;; four columns; within a sweep the adds run in column order, exactly as the scalar loop adds them.
  (func (export "addXbeta") (param $x i32) (param $ld i32) (param $m i32) (param $p i32) (param $beta i32) (param $eta i32)
    (local $stride i32) (local $c i32) (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $e i32) (local $end i32)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128) (local $acc v128)
    (local.set $stride (i32.shl (local.get $ld) (i32.const 2)))
    (local.set $end (i32.add (local.get $eta) (i32.shl (local.get $m) (i32.const 3))))
    (block $columnsDone
      (loop $columns
        (br_if $columnsDone (i32.ge_u (local.get $c) (local.get $p)))
        (local.set $b0 (f64x2.splat (f64.load offset=0 (local.get $beta))))
        (local.set $b1 (f64x2.splat (f64.load offset=8 (local.get $beta))))
        (local.set $b2 (f64x2.splat (f64.load offset=16 (local.get $beta))))
        (local.set $b3 (f64x2.splat (f64.load offset=24 (local.get $beta))))
        (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $c) (local.get $stride))))
        (local.set $x1 (i32.add (local.get $x0) (local.get $stride)))
        (local.set $x2 (i32.add (local.get $x1) (local.get $stride)))
        (local.set $x3 (i32.add (local.get $x2) (local.get $stride)))
        (local.set $e (local.get $eta))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $e) (local.get $end)))
            (local.set $acc (v128.load (local.get $e)))
            (local.set $acc (f64x2.add (local.get $acc)
              (f64x2.mul (local.get $b0) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $x0))))))
            (local.set $acc (f64x2.add (local.get $acc)
              (f64x2.mul (local.get $b1) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $x1))))))
            (local.set $acc (f64x2.add (local.get $acc)
              (f64x2.mul (local.get $b2) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $x2))))))
            (local.set $acc (f64x2.add (local.get $acc)
              (f64x2.mul (local.get $b3) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $x3))))))
            (v128.store (local.get $e) (local.get $acc))
            (local.set $x0 (i32.add (local.get $x0) (i32.const 8)))
            (local.set $x1 (i32.add (local.get $x1) (i32.const 8)))
            (local.set $x2 (i32.add (local.get $x2) (i32.const 8)))
            (local.set $x3 (i32.add (local.get $x3) (i32.const 8)))
            (local.set $e (i32.add (local.get $e) (i32.const 16)))
            (br $rows)))
        (local.set $beta (i32.add (local.get $beta) (i32.const 32)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $columns))))

  ;; out[c] += Σ_i x[c][i]·v[i] (the gradient Xᵀr, or the Hessian's intercept row Xᵀh). Four columns share
  ;; each load of v, and their four independent accumulators keep the adder pipeline full.
  (func (export "addXtv") (param $x i32) (param $ld i32) (param $m i32) (param $p i32) (param $v i32) (param $out i32)
    (local $stride i32) (local $c i32) (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $pv i32) (local $end i32)
    (local $vv v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $stride (i32.shl (local.get $ld) (i32.const 2)))
    (local.set $end (i32.add (local.get $v) (i32.shl (local.get $m) (i32.const 3))))
    (block $columnsDone
      (loop $columns
        (br_if $columnsDone (i32.ge_u (local.get $c) (local.get $p)))
        (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $c) (local.get $stride))))
        (local.set $x1 (i32.add (local.get $x0) (local.get $stride)))
        (local.set $x2 (i32.add (local.get $x1) (local.get $stride)))
        (local.set $x3 (i32.add (local.get $x2) (local.get $stride)))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0))
        (local.set $pv (local.get $v))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $pv) (local.get $end)))
            (local.set $vv (v128.load (local.get $pv)))
            (local.set $a0 (f64x2.add (local.get $a0)
              (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $x0))) (local.get $vv))))
            (local.set $a1 (f64x2.add (local.get $a1)
              (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $x1))) (local.get $vv))))
            (local.set $a2 (f64x2.add (local.get $a2)
              (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $x2))) (local.get $vv))))
            (local.set $a3 (f64x2.add (local.get $a3)
              (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $x3))) (local.get $vv))))
            (local.set $x0 (i32.add (local.get $x0) (i32.const 8)))
            (local.set $x1 (i32.add (local.get $x1) (i32.const 8)))
            (local.set $x2 (i32.add (local.get $x2) (i32.const 8)))
            (local.set $x3 (i32.add (local.get $x3) (i32.const 8)))
            (local.set $pv (i32.add (local.get $pv) (i32.const 16)))
            (br $rows)))
        (f64.store offset=0 (local.get $out) (f64.add (f64.load offset=0 (local.get $out))
          (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0)))))
        (f64.store offset=8 (local.get $out) (f64.add (f64.load offset=8 (local.get $out))
          (f64.add (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1)))))
        (f64.store offset=16 (local.get $out) (f64.add (f64.load offset=16 (local.get $out))
          (f64.add (f64x2.extract_lane 0 (local.get $a2)) (f64x2.extract_lane 1 (local.get $a2)))))
        (f64.store offset=24 (local.get $out) (f64.add (f64.load offset=24 (local.get $out))
          (f64.add (f64x2.extract_lane 0 (local.get $a3)) (f64x2.extract_lane 1 (local.get $a3)))))
        (local.set $out (i32.add (local.get $out) (i32.const 32)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $columns))))

  ;; The Gram's operands: b[c·m + i] = x[c·ld + i] widened to f64 and hb[c·m + i] = h[i]·b[c·m + i], for c < p,
  ;; i < m, with hb stored right after b (at b + 8·m·p). Converted and weighted once per chunk instead of once
  ;; per use, and packed so each column of the chunk is contiguous.
  (func (export "promote") (param $x i32) (param $ld i32) (param $m i32) (param $p i32) (param $h i32) (param $b i32)
    (local $c i32) (local $src i32) (local $ph i32) (local $end i32) (local $hbOffset i32) (local $v v128)
    (local.set $hbOffset (i32.shl (i32.mul (local.get $m) (local.get $p)) (i32.const 3)))
    (block $columnsDone
      (loop $columns
        (br_if $columnsDone (i32.ge_u (local.get $c) (local.get $p)))
        (local.set $src (i32.add (local.get $x) (i32.shl (i32.mul (local.get $c) (local.get $ld)) (i32.const 2))))
        (local.set $ph (local.get $h))
        (local.set $end (i32.add (local.get $b) (i32.shl (local.get $m) (i32.const 3))))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $b) (local.get $end)))
            (local.set $v (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $src))))
            (v128.store (local.get $b) (local.get $v))
            (v128.store (i32.add (local.get $b) (local.get $hbOffset)) (f64x2.mul (v128.load (local.get $ph)) (local.get $v)))
            (local.set $src (i32.add (local.get $src) (i32.const 8)))
            (local.set $ph (i32.add (local.get $ph) (i32.const 16)))
            (local.set $b (i32.add (local.get $b) (i32.const 16)))
            (br $rows)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $columns))))

  ;; gram[a·ldg + c] += Σ_i hb[a][i]·b[c][i] (= Σ_i (h[i]·x_a[i])·x_c[i]) for every c ≥ a, rounded down to the
  ;; 2 × 4 tiles below; b and hb as promote leaves them. Each tile (columns a, a+1 against c … c+3) keeps eight
  ;; f64x2 accumulators in registers and reads six values per row pair for sixteen multiply-adds: fourteen live
  ;; vectors, within the fifteen V8 gives SIMD code (weighting inside the loop needed more, and the spilled
  ;; accumulator's store-to-load round trip cost a third of the speed). Tiles on the diagonal also add a few
  ;; entries below it (c < a); those slots are scratch: the caller takes the upper triangle and mirrors it.
  (func (export "addGram") (param $b i32) (param $m i32) (param $p i32) (param $gram i32) (param $ldg i32)
    (local $stride i32) (local $stride2 i32) (local $stride3 i32) (local $hb i32) (local $a i32) (local $c i32)
    (local $pa i32) (local $pc i32) (local $end i32) (local $row0 i32) (local $row1 i32)
    (local $ha0 v128) (local $ha1 v128) (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local.set $stride (i32.shl (local.get $m) (i32.const 3)))
    (local.set $stride2 (i32.shl (local.get $stride) (i32.const 1)))
    (local.set $stride3 (i32.add (local.get $stride2) (local.get $stride)))
    (local.set $hb (i32.add (local.get $b) (i32.mul (local.get $p) (local.get $stride))))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $a) (local.get $p)))
        (local.set $c (i32.and (local.get $a) (i32.const -4)))
        (block $tilesDone
          (loop $tiles
            (br_if $tilesDone (i32.ge_u (local.get $c) (local.get $p)))
            (local.set $s00 (v128.const i64x2 0 0)) (local.set $s01 (v128.const i64x2 0 0))
            (local.set $s02 (v128.const i64x2 0 0)) (local.set $s03 (v128.const i64x2 0 0))
            (local.set $s10 (v128.const i64x2 0 0)) (local.set $s11 (v128.const i64x2 0 0))
            (local.set $s12 (v128.const i64x2 0 0)) (local.set $s13 (v128.const i64x2 0 0))
            (local.set $pa (i32.add (local.get $hb) (i32.mul (local.get $a) (local.get $stride))))
            (local.set $pc (i32.add (local.get $b) (i32.mul (local.get $c) (local.get $stride))))
            (local.set $end (i32.add (local.get $pc) (local.get $stride)))
            (block $rowsDone
              (loop $rows
                (br_if $rowsDone (i32.ge_u (local.get $pc) (local.get $end)))
                (local.set $ha0 (v128.load (local.get $pa)))
                (local.set $ha1 (v128.load (i32.add (local.get $pa) (local.get $stride))))
                (local.set $v0 (v128.load (local.get $pc)))
                (local.set $v1 (v128.load (i32.add (local.get $pc) (local.get $stride))))
                (local.set $v2 (v128.load (i32.add (local.get $pc) (local.get $stride2))))
                (local.set $v3 (v128.load (i32.add (local.get $pc) (local.get $stride3))))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $ha0) (local.get $v0))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $ha0) (local.get $v1))))
                (local.set $s02 (f64x2.add (local.get $s02) (f64x2.mul (local.get $ha0) (local.get $v2))))
                (local.set $s03 (f64x2.add (local.get $s03) (f64x2.mul (local.get $ha0) (local.get $v3))))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $ha1) (local.get $v0))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $ha1) (local.get $v1))))
                (local.set $s12 (f64x2.add (local.get $s12) (f64x2.mul (local.get $ha1) (local.get $v2))))
                (local.set $s13 (f64x2.add (local.get $s13) (f64x2.mul (local.get $ha1) (local.get $v3))))
                (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
                (local.set $pc (i32.add (local.get $pc) (i32.const 16)))
                (br $rows)))
            ;; Row a of the tile, then row a+1: gram[(a+r)·ldg + c + k] += lane 0 + lane 1.
            (local.set $row0 (i32.add (local.get $gram)
              (i32.shl (i32.add (i32.mul (local.get $a) (local.get $ldg)) (local.get $c)) (i32.const 3))))
            (local.set $row1 (i32.add (local.get $row0) (i32.shl (local.get $ldg) (i32.const 3))))
            (f64.store offset=0 (local.get $row0) (f64.add (f64.load offset=0 (local.get $row0))
              (f64.add (f64x2.extract_lane 0 (local.get $s00)) (f64x2.extract_lane 1 (local.get $s00)))))
            (f64.store offset=8 (local.get $row0) (f64.add (f64.load offset=8 (local.get $row0))
              (f64.add (f64x2.extract_lane 0 (local.get $s01)) (f64x2.extract_lane 1 (local.get $s01)))))
            (f64.store offset=16 (local.get $row0) (f64.add (f64.load offset=16 (local.get $row0))
              (f64.add (f64x2.extract_lane 0 (local.get $s02)) (f64x2.extract_lane 1 (local.get $s02)))))
            (f64.store offset=24 (local.get $row0) (f64.add (f64.load offset=24 (local.get $row0))
              (f64.add (f64x2.extract_lane 0 (local.get $s03)) (f64x2.extract_lane 1 (local.get $s03)))))
            (f64.store offset=0 (local.get $row1) (f64.add (f64.load offset=0 (local.get $row1))
              (f64.add (f64x2.extract_lane 0 (local.get $s10)) (f64x2.extract_lane 1 (local.get $s10)))))
            (f64.store offset=8 (local.get $row1) (f64.add (f64.load offset=8 (local.get $row1))
              (f64.add (f64x2.extract_lane 0 (local.get $s11)) (f64x2.extract_lane 1 (local.get $s11)))))
            (f64.store offset=16 (local.get $row1) (f64.add (f64.load offset=16 (local.get $row1))
              (f64.add (f64x2.extract_lane 0 (local.get $s12)) (f64x2.extract_lane 1 (local.get $s12)))))
            (f64.store offset=24 (local.get $row1) (f64.add (f64.load offset=24 (local.get $row1))
              (f64.add (f64x2.extract_lane 0 (local.get $s13)) (f64x2.extract_lane 1 (local.get $s13)))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $tiles)))
        (local.set $a (i32.add (local.get $a) (i32.const 2)))
        (br $pairs))))

  ;; The Bernoulli/logit row terms of a chunk, two rows per step: with t = exp(−|η|),
  ;;   nll = max(η, 0) + log1p(t) − y·η,   μ = (η ≥ 0 ? 1 : t) / (1 + t),   r = w·(μ − y),   h = w·μ·(1 − μ),
  ;; the formulas of families.ts (one exp serves mean and softplus). Writes r and h; out[0 … 3] = Σ w·nll,
  ;; max |η| over rows with w > 0, Σ r, Σ h for the chunk. y and w are f64 vectors of length m (w = 0 drops
  ;; a row, as the padding row has). exp and log1p are polynomials accurate to a few ulp (see $exp, $log1p).
  (func (export "bernoulliTerms") (param $eta i32) (param $y i32) (param $w i32) (param $m i32) (param $r i32) (param $h i32) (param $out i32)
    (local $end i32) (local $e v128) (local $ae v128) (local $t v128) (local $yv v128) (local $wv v128)
    (local $mu v128) (local $nll v128) (local $rv v128) (local $hv v128)
    (local $sumValue v128) (local $maxAbs v128) (local $sumR v128) (local $sumH v128)
    (local.set $end (i32.add (local.get $eta) (i32.shl (local.get $m) (i32.const 3))))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $eta) (local.get $end)))
        (local.set $e (v128.load (local.get $eta)))
        (local.set $yv (v128.load (local.get $y)))
        (local.set $wv (v128.load (local.get $w)))
        (local.set $ae (f64x2.abs (local.get $e)))
        (local.set $t (call $exp (f64x2.neg (local.get $ae))))
        (local.set $nll (f64x2.sub
          (f64x2.add (f64x2.max (local.get $e) (v128.const f64x2 0 0)) (call $log1p (local.get $t)))
          (f64x2.mul (local.get $yv) (local.get $e))))
        (local.set $mu (f64x2.div
          (v128.bitselect (v128.const f64x2 1 1) (local.get $t) (f64x2.ge (local.get $e) (v128.const f64x2 0 0)))
          (f64x2.add (v128.const f64x2 1 1) (local.get $t))))
        (local.set $rv (f64x2.mul (local.get $wv) (f64x2.sub (local.get $mu) (local.get $yv))))
        (local.set $hv (f64x2.mul (local.get $wv) (f64x2.mul (local.get $mu) (f64x2.sub (v128.const f64x2 1 1) (local.get $mu)))))
        (v128.store (local.get $r) (local.get $rv))
        (v128.store (local.get $h) (local.get $hv))
        (local.set $sumValue (f64x2.add (local.get $sumValue) (f64x2.mul (local.get $wv) (local.get $nll))))
        (local.set $maxAbs (f64x2.max (local.get $maxAbs)
          (v128.and (local.get $ae) (f64x2.gt (local.get $wv) (v128.const f64x2 0 0)))))
        (local.set $sumR (f64x2.add (local.get $sumR) (local.get $rv)))
        (local.set $sumH (f64x2.add (local.get $sumH) (local.get $hv)))
        (local.set $eta (i32.add (local.get $eta) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $r (i32.add (local.get $r) (i32.const 16)))
        (local.set $h (i32.add (local.get $h) (i32.const 16)))
        (br $rows)))
    (f64.store offset=0 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $sumValue)) (f64x2.extract_lane 1 (local.get $sumValue))))
    (f64.store offset=8 (local.get $out)
      (f64.max (f64x2.extract_lane 0 (local.get $maxAbs)) (f64x2.extract_lane 1 (local.get $maxAbs))))
    (f64.store offset=16 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $sumR)) (f64x2.extract_lane 1 (local.get $sumR))))
    (f64.store offset=24 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $sumH)) (f64x2.extract_lane 1 (local.get $sumH)))))

  ;; exp(x) for x ≤ 0, per lane. x = k·ln 2 + r with k = round(x / ln 2) and |r| ≤ ln 2 / 2 (ln 2 split in a
  ;; high part with trailing zero bits and a low part, so k·ln2hi is exact); exp(r) by its Taylor series to
  ;; r¹³/13! (the next term is < 5e-18 relative); 2^k by building the float's exponent bits. x is clamped at
  ;; −708 so 2^k stays a normal number: exp(−708) ≈ 3e-308 stands in for anything smaller.
  (func $exp (param $x v128) (result v128)
    (local $k v128) (local $r v128) (local $p v128)
    (local.set $x (f64x2.max (local.get $x) (v128.const f64x2 -708 -708)))
    (local.set $k (f64x2.nearest (f64x2.mul (local.get $x) (v128.const f64x2 1.4426950408889634 1.4426950408889634))))
    (local.set $r (f64x2.sub
      (f64x2.sub (local.get $x) (f64x2.mul (local.get $k) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01)))
      (f64x2.mul (local.get $k) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))))
    (local.set $p (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10)) ;; 1/13!
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 2.08767569878681e-09 2.08767569878681e-09))) ;; 1/12!
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 2.505210838544172e-08 2.505210838544172e-08))) ;; 1/11!
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 2.755731922398589e-07 2.755731922398589e-07))) ;; 1/10!
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 2.7557319223985893e-06 2.7557319223985893e-06))) ;; 1/9!
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 2.48015873015873e-05 2.48015873015873e-05))) ;; 1/8!
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 1.984126984126984e-04 1.984126984126984e-04))) ;; 1/7!
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 1.388888888888889e-03 1.388888888888889e-03))) ;; 1/6!
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 8.333333333333333e-03 8.333333333333333e-03))) ;; 1/5!
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 4.1666666666666664e-02 4.1666666666666664e-02))) ;; 1/4!
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 0.16666666666666666 0.16666666666666666))) ;; 1/3!
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 0.5 0.5)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 1 1)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 1 1)))
    ;; 2^k: biased exponent k + 1023 in bits 52 … 62 (k ≥ −1022 here, so the result is normal).
    (f64x2.mul (local.get $p)
      (i64x2.shl
        (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $k))) (v128.const i64x2 1023 1023))
        (i32.const 52))))

  ;; log1p(t) for 0 ≤ t ≤ 1, per lane: log(1 + t) = 2·atanh(s) with s = t / (2 + t) ≤ 1/3, and
  ;; atanh(s) = s·(1 + z/3 + z²/5 + … + z¹⁶/33), z = s² ≤ 1/9 (the next term is < 2e-18 relative). Computing s
  ;; from t directly avoids the rounding of 1 + t that makes log(1 + t) inaccurate for small t.
  (func $log1p (param $t v128) (result v128)
    (local $s v128) (local $z v128) (local $p v128)
    (local.set $s (f64x2.div (local.get $t) (f64x2.add (v128.const f64x2 2 2) (local.get $t))))
    (local.set $z (f64x2.mul (local.get $s) (local.get $s)))
    (local.set $p (v128.const f64x2 0.030303030303030304 0.030303030303030304)) ;; 1/33
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $z)) (v128.const f64x2 0.03225806451612903 0.03225806451612903))) ;; 1/31
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $z)) (v128.const f64x2 0.034482758620689655 0.034482758620689655))) ;; 1/29
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $z)) (v128.const f64x2 0.037037037037037035 0.037037037037037035))) ;; 1/27
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $z)) (v128.const f64x2 0.04 0.04))) ;; 1/25
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $z)) (v128.const f64x2 0.043478260869565216 0.043478260869565216))) ;; 1/23
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $z)) (v128.const f64x2 0.047619047619047616 0.047619047619047616))) ;; 1/21
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $z)) (v128.const f64x2 0.05263157894736842 0.05263157894736842))) ;; 1/19
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $z)) (v128.const f64x2 0.058823529411764705 0.058823529411764705))) ;; 1/17
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $z)) (v128.const f64x2 0.06666666666666667 0.06666666666666667))) ;; 1/15
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $z)) (v128.const f64x2 0.07692307692307693 0.07692307692307693))) ;; 1/13
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $z)) (v128.const f64x2 0.09090909090909091 0.09090909090909091))) ;; 1/11
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $z)) (v128.const f64x2 0.1111111111111111 0.1111111111111111))) ;; 1/9
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $z)) (v128.const f64x2 0.14285714285714285 0.14285714285714285))) ;; 1/7
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $z)) (v128.const f64x2 0.2 0.2))) ;; 1/5
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $z)) (v128.const f64x2 0.3333333333333333 0.3333333333333333))) ;; 1/3
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $z)) (v128.const f64x2 1 1)))
    (f64x2.mul (f64x2.add (local.get $s) (local.get $s)) (local.get $p)))
)
