/**
 * One `cdk synth` of the real app into the folder named by the first argument, with the context
 * given as JSON in the second. Run as its own process (local/account/synth.ts), so that it loads
 * the sources from disk as they are now, never modules an earlier synth left in memory.
 */
import { createApp } from '../../infra/app.js';

const [outdir, context = '{}'] = process.argv.slice(2);
if (!outdir) throw new Error('usage: synth-worker <outdir> [<context JSON>]');
createApp({ outdir, context: JSON.parse(context) as Record<string, unknown> }).synth();
