/**
 * Click-id parameter → ad platform, as the SDK copies them into `context.campaign` (gclid …).
 * One table for the overview's ad-platform column and for the `context.campaign.clickIdPlatform`
 * condition of segments and funnels, so both name a click the same way.
 */
export const CLICK_ID_PLATFORMS: Readonly<Record<string, string>> = {
  gclid: 'google',
  gbraid: 'google',
  wbraid: 'google',
  dclid: 'google',
  fbclid: 'meta',
  msclkid: 'microsoft',
  ttclid: 'tiktok',
  li_fat_id: 'linkedin',
  twclid: 'x',
  epik: 'pinterest',
  ScCid: 'snapchat',
  rdt_cid: 'reddit',
};

/** The virtual `where` / `by` path naming the ad platform of a click (not a key of the event). */
export const CLICK_ID_PLATFORM_PATH = 'context.campaign.clickIdPlatform';

/** Where the click-id keys sit in an event. */
export const CAMPAIGN_PATH: readonly string[] = ['context', 'campaign'];

/** Every platform name, sorted (for messages and validation). */
export const CLICK_ID_PLATFORM_NAMES: readonly string[] = [...new Set(Object.values(CLICK_ID_PLATFORMS))].sort();

/**
 * The click-id keys of these platforms, sorted.
 *
 * @example
 * clickIdKeys(['meta', 'microsoft']) // ['fbclid', 'msclkid']
 */
export function clickIdKeys(platforms: readonly string[]): string[] {
  return Object.keys(CLICK_ID_PLATFORMS)
    .filter((key) => platforms.includes(CLICK_ID_PLATFORMS[key] as string))
    .sort();
}
