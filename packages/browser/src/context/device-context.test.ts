// The device fields createPageContext() adds to every event (browser/page-context.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPageContext } from '../browser/page-context.js';

const PIXEL =
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';

/** Chromium's NavigatorUAData: its fields are getters, serialized through toJSON(). */
function uaData(mobile: boolean) {
  const data = { brands: [{ brand: 'Chromium', version: '126' }], mobile, platform: 'Android' };
  return { mobile, brands: data.brands, platform: data.platform, getHighEntropyValues: async () => ({}), toJSON: () => data };
}

afterEach(() => vi.restoreAllMocks());

describe('createPageContext device fields', () => {
  it('adds client hints, device type, screen with viewport, locale and timezone', () => {
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(PIXEL);
    Object.defineProperty(navigator, 'userAgentData', { configurable: true, get: () => uaData(true) });
    try {
      const context = createPageContext()();
      expect(context.device).toEqual({ type: 'mobile' });
      expect(context.screen).toEqual({
        width: screen.width,
        height: screen.height,
        density: devicePixelRatio,
        innerWidth,
        innerHeight,
      });
      expect(context.timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
      expect(context.locale).toBe(navigator.language);
      // On the wire the hints are their toJSON(): low-entropy brands, mobile, platform.
      expect(JSON.parse(JSON.stringify(context)).userAgentData).toEqual({
        brands: [{ brand: 'Chromium', version: '126' }],
        mobile: true,
        platform: 'Android',
      });
    } finally {
      delete (navigator as { userAgentData?: unknown }).userAgentData;
    }
  });

  it('without client hints the UA decides, and no userAgentData is sent', () => {
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    );
    const wire = JSON.parse(JSON.stringify(createPageContext()()));
    expect(wire.device).toEqual({ type: 'mobile' });
    expect('userAgentData' in wire).toBe(false);
  });
});
