import { describe, expect, it } from 'vitest';
import { deviceType } from './device-type.js';

const UA = {
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  androidPhone:
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  androidTablet: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  firefoxAndroidPhone: 'Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0',
  firefoxAndroidTablet: 'Mozilla/5.0 (Android 14; Tablet; rv:127.0) Gecko/127.0 Firefox/127.0',
  kindleSilk:
    'Mozilla/5.0 (Linux; Android 9; KFMAWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/126.3.1 like Chrome/126.0.0.0 Safari/537.36',
  ipadLegacy:
    'Mozilla/5.0 (iPad; CPU OS 12_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1 Mobile/15E148 Safari/604.1',
  // iPadOS 13+ Safari asks for desktop sites by default: the UA is a Mac's.
  macSafari:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  windowsChrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  linuxChrome: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
};

describe('deviceType', () => {
  it('trusts the mobile client hint first', () => {
    expect(deviceType(UA.androidPhone, true)).toBe('mobile');
    // Hints present but a mismatching UA (an emulator, a UA override): the hint wins.
    expect(deviceType(UA.windowsChrome, true)).toBe('mobile');
    expect(deviceType(UA.iphone, false)).toBe('desktop');
  });

  it('a phone asking for the desktop site (hint false, desktop UA) is desktop', () => {
    expect(deviceType(UA.linuxChrome, false)).toBe('desktop');
  });

  it('tells tablets apart from the UA, with or without hints', () => {
    expect(deviceType(UA.androidTablet, false)).toBe('tablet'); // Chrome on an Android tablet
    expect(deviceType(UA.firefoxAndroidTablet)).toBe('tablet');
    expect(deviceType(UA.kindleSilk)).toBe('tablet');
    expect(deviceType(UA.ipadLegacy)).toBe('tablet');
  });

  it('iPadOS with a Mac UA: a Mac with a multi-touch screen is an iPad', () => {
    expect(deviceType(UA.macSafari, undefined, 5)).toBe('tablet');
    expect(deviceType(UA.macSafari, undefined, 0)).toBe('desktop');
    expect(deviceType(UA.macSafari)).toBe('desktop');
    // A touch-screen Windows laptop stays a desktop.
    expect(deviceType(UA.windowsChrome, false, 10)).toBe('desktop');
  });

  it('falls back to the UA for phones without hints (Safari, Firefox)', () => {
    expect(deviceType(UA.iphone)).toBe('mobile');
    expect(deviceType(UA.firefoxAndroidPhone)).toBe('mobile');
    expect(deviceType(UA.androidPhone)).toBe('mobile');
    expect(deviceType(UA.windowsChrome)).toBe('desktop');
    expect(deviceType('')).toBe('desktop');
  });
});
