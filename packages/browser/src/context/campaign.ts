/**
 * Ad click ids kept under their own names in `context.campaign`: Google (gclid, and gbraid /
 * wbraid for iOS app/web conversions, dclid for Display & Video), Meta, Microsoft, TikTok,
 * LinkedIn, X, Pinterest, Reddit. A regex rather than an array: it is smaller in the script tag.
 */
export const CLICK_ID = /^(gclid|gbraid|wbraid|dclid|fbclid|msclkid|ttclid|li_fat_id|twclid|epik|rdt_cid)$/;

/**
 * The campaign a URL's query string carries, in Segment's names: `utm_source` → `source`,
 * `utm_campaign` → `name` (every other `utm_*` keeps its suffix), click ids as they are.
 * `undefined` when the URL has none.
 *
 * @example
 * parseCampaign('?utm_source=google&utm_campaign=spring&gclid=Cj0K')
 * // { source: 'google', name: 'spring', gclid: 'Cj0K' }
 */
export function parseCampaign(search?: string): Record<string, string> | undefined {
  let campaign: Record<string, string> | undefined;
  new URLSearchParams(search).forEach((value, key) => {
    const name = /^utm_/.test(key) ? key.slice(4).replace('campaign', 'name') : CLICK_ID.test(key) && key;
    if (name && value) (campaign = campaign || {})[name] = value;
  });
  return campaign;
}
