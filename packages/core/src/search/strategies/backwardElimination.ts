import { stepwiseSelection } from './stepwiseSelection.js';

/** From the richest model, lower one family at a time while the ranking metric stays within the tolerance. */
export const backwardElimination = stepwiseSelection('backward');
