// The factorisation lives in the small dense linear-algebra module; this path stays for the modules that import it here.
export { Cholesky } from '../../linalg/cholesky.js';
