import type {Progress, RunArgs} from './run';
export async function learnPlatformRun(
  a: RunArgs,
  d: string,
  p: Progress,
): Promise<void> {
  void a;
  void d;
  void p;
  throw new Error('x');
}
