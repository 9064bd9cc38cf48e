import { z } from 'zod';

/** A task's parameters: plain JSON, so a task file can be written by one process and run by another. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValueSchema), z.record(z.string(), JsonValueSchema)]),
);

/**
 * `tasks/<index>.json` in a work folder: one idempotent task. `key` is a hash of kind and params, so a result
 * left by another run in the same folder (other inputs) is never taken for this one's.
 */
export const TaskFileSchema = z.strictObject({
  format: z.literal('occam.task'),
  version: z.literal(1),
  index: z.number().int().nonnegative(),
  name: z.string().min(1),
  kind: z.string().min(1),
  key: z.string().regex(/^[0-9a-f]{64}$/),
  params: JsonValueSchema,
});
export type TaskFile = z.infer<typeof TaskFileSchema>;

/** `results/<index>.json`: written atomically once the task's outputs are in place; its presence means done. */
export const TaskResultSchema = z.strictObject({
  format: z.literal('occam.task-result'),
  version: z.literal(1),
  index: z.number().int().nonnegative(),
  name: z.string().min(1),
  key: z.string().regex(/^[0-9a-f]{64}$/),
  value: JsonValueSchema,
});
export type TaskResult = z.infer<typeof TaskResultSchema>;

/** `failures/<index>.json`: why the last attempt of a task failed (removed when it later succeeds). */
export const TaskFailureSchema = z.strictObject({
  format: z.literal('occam.task-failure'),
  version: z.literal(1),
  index: z.number().int().nonnegative(),
  name: z.string().min(1),
  key: z.string().regex(/^[0-9a-f]{64}$/),
  message: z.string(),
});
export type TaskFailure = z.infer<typeof TaskFailureSchema>;
