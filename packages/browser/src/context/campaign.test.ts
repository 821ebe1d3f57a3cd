import { describe, expect, it } from 'vitest';
import { parseCampaign } from './campaign.js';

describe('parseCampaign', () => {
  it('maps utm_* to Segment names and keeps click ids under their own names', () => {
    expect(
      parseCampaign(
        '?utm_source=google&utm_medium=cpc&utm_campaign=spring&utm_term=coffee+beans&utm_content=ad-2&utm_id=42&gclid=Cj0K&ref=x',
      ),
    ).toEqual({ source: 'google', medium: 'cpc', name: 'spring', term: 'coffee beans', content: 'ad-2', id: '42', gclid: 'Cj0K' });
  });

  it('knows the ad networks’ click ids', () => {
    const ids = ['gclid', 'gbraid', 'wbraid', 'dclid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id', 'twclid', 'epik', 'rdt_cid'];
    const campaign = parseCampaign('?' + ids.map((id, i) => `${id}=v${i}`).join('&') + '&gclidx=no&xgclid=no');
    expect(campaign).toEqual(Object.fromEntries(ids.map((id, i) => [id, `v${i}`])));
  });

  it('is undefined without campaign parameters, or with empty ones', () => {
    expect(parseCampaign('')).toBeUndefined();
    expect(parseCampaign(undefined)).toBeUndefined();
    expect(parseCampaign('?page=2&q=beans')).toBeUndefined();
    expect(parseCampaign('?utm_source=&gclid=')).toBeUndefined();
  });
});
