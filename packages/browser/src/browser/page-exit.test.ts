import { afterEach, describe, expect, it, vi } from 'vitest';
import { onPageExit } from './page-exit.js';

afterEach(() => vi.restoreAllMocks());

describe('onPageExit', () => {
  it('fires on visibilitychange to hidden and on pagehide, not when the page becomes visible', () => {
    const callback = vi.fn();
    onPageExit(callback);
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('visible');
    document.dispatchEvent(new Event('visibilitychange'));
    expect(callback).not.toHaveBeenCalled();
    visibility.mockReturnValue('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    expect(callback).toHaveBeenCalledTimes(1);
    window.dispatchEvent(new Event('pagehide'));
    expect(callback).toHaveBeenCalledTimes(2);
  });
});
