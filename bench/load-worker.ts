/**
 * The load generator, in its own process so its timers and sockets do not share the event
 * loop of the server it measures. Reads a JSON job from argv, prints a JSON LoadResult.
 */
import { openLoop, timedRequest } from './lib.ts';

interface Job {
  rate: number;
  seconds: number;
  url: string;
  bodies: string[];
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const result = await openLoop(job.rate, job.seconds, (i) => timedRequest(job.url, 'POST', job.bodies[i % job.bodies.length]));
process.stdout.write(JSON.stringify(result));
