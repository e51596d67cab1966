import { SingleFlight } from './single-flight';

describe('SingleFlight', () => {
  it('shares one run among concurrent callers of a key and forgets it once settled', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    const fn = async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return runs;
    };
    const results = await Promise.all([flight.run('k', fn), flight.run('k', fn), flight.run('other', fn)]);
    expect(runs).toBe(2);
    expect(results[0]).toBe(results[1]);
    expect(flight.size).toBe(0);
    await flight.run('k', fn);
    expect(runs).toBe(3);
  });

  it('shares a failure and then lets the next caller try again', async () => {
    const flight = new SingleFlight<number>();
    const failing = Promise.all([
      flight.run('k', () => Promise.reject(new Error('down'))),
      flight.run('k', async () => 1),
    ]);
    await expect(failing).rejects.toThrow('down');
    expect(flight.has('k')).toBe(false);
    await expect(flight.run('k', async () => 2)).resolves.toBe(2);
  });
});
