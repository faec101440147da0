/**
 * A process that runs a few rules, closes the sandbox and exits at once, as `ctihost serve` does on
 * SIGTERM (server/main.ts): with each run retiring its context, the isolates are still preparing new
 * ones when it closes. close-and-exit.test.ts runs it and expects exit code 0.
 */
import { createSandboxHost } from '../../../server/sandbox/host.ts';
import { fakeReader, TEST_LIMITS } from '../fixtures.ts';

const host = createSandboxHost({ limits: TEST_LIMITS, reader: fakeReader, isolates: 2, runsPerContext: 1 });
for (let i = 0; i < 3; i++) {
  const result = await host.run(
    { name: 'R', version: 1, script: "answer = '/x';", clientCallable: true },
    {},
  );
  if (result.answer !== '/x') throw new Error(`unexpected run: ${JSON.stringify(result)}`);
}
await host.close();
process.exit(0);
