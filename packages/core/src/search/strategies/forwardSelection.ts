import { stepwiseSelection } from './stepwiseSelection.js';

/** From the smallest model, raise one family at a time while the ranking metric improves by more than the tolerance. */
export const forwardSelection = stepwiseSelection('forward');
