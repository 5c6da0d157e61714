/**
 * roundRobin and broadcast over a real ROUTER:
 *
 *   DEALER a, b, c --"hello"--> ROUTER ; ROUTER --jobs in turn / to all--> DEALERs
 */
import { lastValueFrom, map, range, Subject } from 'rxjs';
import { Context, dealer, router } from '../src';
import { broadcast, roundRobin } from '../src/operators';
import { waitFor } from './helpers';

describe('roundRobin and broadcast on libzmq', () => {
  let context: Context;
  beforeEach(() => (context = new Context()));
  afterEach(() => context.close());

  it('roundRobin - spreads jobs evenly over the ROUTER peers that spoke, and broadcast reaches all', async () => {
    const server = router({ bind: 'tcp://127.0.0.1:*', linger: 0, context });
    await server.ready;
    const got = new Map<string, string[]>();
    const clients = ['a', 'b', 'c'].map((routingId) => {
      const client = dealer({ connect: server.bindings[0]!, routingId, linger: 0, context });
      got.set(routingId, []);
      client.subscribe(([body]) => got.get(routingId)!.push(body!.toString()));
      return client;
    });
    let hellos = 0;
    server.subscribe(() => hellos++);
    // roundRobin learns the peers that speak while it is subscribed
    const jobs = new Subject<string>();
    const running = lastValueFrom(jobs.pipe(roundRobin(server)));
    for (const client of clients) await client.send('hello');
    await waitFor(() => hellos === 3, 2000, 'three hellos');
    range(0, 30).pipe(map(String)).subscribe(jobs);
    await running;
    await waitFor(() => [...got.values()].every((jobs) => jobs.length === 10), 2000, 'ten jobs each');
    const firsts = [...got.values()].map((jobs) => Number(jobs[0])).sort();
    expect(firsts).toEqual([0, 1, 2]);
    for (const jobs of got.values()) {
      expect(jobs.map(Number).every((n, i, all) => i === 0 || n - all[i - 1]! === 3)).toBe(true);
    }
    expect(hellos).toBe(3);


    // broadcast knows the peers it heard from while subscribed
    const announcements = new Subject<string>();
    const sent: string[] = [];
    const broadcasting = announcements.pipe(broadcast(server)).subscribe((m) => sent.push(String(m)));
    for (const client of clients) await client.send('again');
    await waitFor(() => hellos === 6, 2000, 'three more hellos');
    announcements.next('bye');
    await waitFor(() => [...got.values()].every((jobs) => jobs.at(-1) === 'bye'), 2000, 'bye to everyone');
    expect(sent).toEqual(['bye']);
    broadcasting.unsubscribe();
  });
});
