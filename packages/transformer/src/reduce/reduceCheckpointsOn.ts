import { type Executor, type JsonValue, type TaskSpec, workPaths } from '@occam/core';
import { checkpointReductionOf, DYNAMICS_CHECKPOINT_TASK, dynamicsCheckpointParams } from './dynamicsCheckpointTask.js';
import { type CheckpointReduction, type CheckpointReductionArgs, listCheckpoints } from './reduceCheckpoints.js';

/**
 * `reduceCheckpoints` with each checkpoint as one task of `executor` in the work folder `work` (local: one after
 * another in this process; SLURM: one array task each). The reductions come back in step order, the same values
 * the serial loop gives, so the dynamics computed from them are the same bytes. A rerun in the same work folder
 * runs only the checkpoints without a result.
 */
export async function reduceCheckpointsOn(
  args: CheckpointReductionArgs & {
    checkpoints: string;
    executor: Executor;
    work: string;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<CheckpointReduction[]> {
  const dirs = await listCheckpoints(args.checkpoints);
  const tasks: TaskSpec[] = [];
  for (const [i, { dir, step }] of dirs.entries()) {
    const params = await dynamicsCheckpointParams({ ...args, dir, step });
    tasks.push({ name: `checkpoint-${i}-step-${step}`, kind: DYNAMICS_CHECKPOINT_TASK, params: params as unknown as JsonValue });
  }
  const values = await args.executor.run(args.work, tasks, { onProgress: args.onProgress });
  return values.map((value, i) => checkpointReductionOf(value, workPaths.result(args.work, i), dirs[i]));
}
