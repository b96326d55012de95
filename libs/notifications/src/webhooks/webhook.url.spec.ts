import { checkWebhookUrl } from './webhook.admin';
import { newWebhookSecret } from './webhook.secret';
import { Webhook } from 'standardwebhooks';

describe('webhook URLs', () => {
  it('https is required unless http is allowed (development, tests)', () => {
    expect(checkWebhookUrl('https://si.laregion.fr/hooks?x=1', false)).toBeNull();
    expect(checkWebhookUrl('http://127.0.0.1:5530/h', false)).toMatch(/https/);
    expect(checkWebhookUrl('http://si.laregion.fr/h', false)).toMatch(/https/);
    expect(checkWebhookUrl('http://127.0.0.1:5530/h', true)).toBeNull();
  });

  it('refuses what is not an http(s) address, credentials and fragments', () => {
    expect(checkWebhookUrl('si.laregion.fr/h', true)).toMatch(/absolue/);
    expect(checkWebhookUrl('ftp://si.laregion.fr/h', true)).toMatch(/https/);
    expect(checkWebhookUrl('file:///etc/passwd', true)).toMatch(/https/);
    expect(checkWebhookUrl('https://moi:secret@si.laregion.fr/h', false)).toMatch(/mot de passe/);
    expect(checkWebhookUrl('https://si.laregion.fr/h#x', false)).toMatch(/fragment/);
  });
});

describe('webhook secrets', () => {
  it('are Standard Webhooks secrets, 256 random bits, never twice the same', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(newWebhookSecret()).not.toBe(a);
    // The library accepts it, and what it signs verifies.
    const wh = new Webhook(a);
    const at = new Date();
    const signature = wh.sign('msg_1', at, '{"a":1}');
    expect(wh.verify('{"a":1}', { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature })).toEqual({ a: 1 });
  });
});
