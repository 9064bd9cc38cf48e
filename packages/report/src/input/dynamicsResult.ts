// The `occam.dynamics` format is core's (it is a result core produces); the report renders it.
export { DynamicsResultSchema, DynamicsPointSchema, type DynamicsResult, type DynamicsResultInput } from '@occam/core';
