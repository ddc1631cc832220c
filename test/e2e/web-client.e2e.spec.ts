import { createTestApp, type TestApp } from '../support/test-app';

describe('the web client', () => {
  let arena: TestApp;

  beforeAll(async () => {
    arena = await createTestApp();
  });
  afterAll(() => arena.close());

  it('is served at / with its script, style and the Socket.IO client, under a CSP that allows them', async () => {
    const page = await arena.http().get('/').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('<script src="/app.js"></script>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    await arena
      .http()
      .get('/app.js')
      .expect(200)
      .expect('content-type', /javascript/);
    await arena.http().get('/style.css').expect(200).expect('content-type', /css/);
    const client = await arena.http().get('/socket.io/socket.io.js').expect(200);
    expect(client.text.length).toBeGreaterThan(10_000);
  });
});
