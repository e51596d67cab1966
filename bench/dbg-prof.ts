import { ServiceApp } from '@chain/local-tenant';
import { harnessRequest, signIn, startChain } from '@chain/testing';
import autocannon from 'autocannon';
async function main() {
  const prof = (n: string) => ({
    NODE_OPTIONS: '--require /tmp/chainprof/hook.js', N: n,
    CHAIN_TRACE: 'false',
  });
  const chain = await startChain({
    apps: [ServiceApp.Bff, ServiceApp.Program, ServiceApp.Pricing],
    label: 'bench-prof',
    env: { bff: prof('bff'), 'program-service': prof('program'), 'pricing-service': prof('pricing') },
  });
  try {
    const user = await signIn(chain, 'alice');
    const headers = user.authorization();
    const list = await harnessRequest(`${chain.url(ServiceApp.Bff)}/api/programmes`, { headers });
    const id = list.json<{ programmes: { id: string }[] }>().programmes[0]!.id;
    const r = await autocannon({
      url: `${chain.url(ServiceApp.Bff)}/api/programmes/${id}/quote`,
      headers,
      duration: 15,
      connections: 20,
    });
    console.log('rps', r.requests.average, 'non2xx', r.non2xx);
  } finally {
    await chain.stop();
  }
}
void main();
