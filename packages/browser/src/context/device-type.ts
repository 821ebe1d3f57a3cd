/** What `context.device.type` holds. */
export type DeviceType = 'mobile' | 'tablet' | 'desktop';

/**
 * Classifies the device, client hints first: `navigator.userAgentData.mobile` is the browser's
 * own answer (Chromium browsers, also when a phone asks for the desktop site). Tablets have no
 * hint of their own (Android tablets report `mobile: false`), so the UA decides between tablet
 * and desktop, and without hints (Safari, Firefox) it decides everything: phones say "Mobi"
 * (iPhone, Android phones, Firefox's "Mobile;"), an Android UA without it is a tablet (Kindle
 * Fire's Silk included). iPadOS 13+ Safari sends a Macintosh UA: a "Mac" with a multi-touch
 * screen is an iPad.
 *
 * @example
 * deviceType('Mozilla/5.0 (Linux; Android 14; Pixel 8) … Mobile Safari/537.36') // 'mobile'
 * deviceType('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) …', undefined, 5) // 'tablet'
 */
export function deviceType(userAgent: string, mobileHint?: boolean, maxTouchPoints = 0): DeviceType {
  return mobileHint
    ? 'mobile'
    : /iPad|Tablet|Android(?!.*Mobi)/i.test(userAgent) || (maxTouchPoints > 1 && /Macintosh/.test(userAgent))
      ? 'tablet'
      : mobileHint == null && /Mobi/i.test(userAgent)
        ? 'mobile'
        : 'desktop';
}
