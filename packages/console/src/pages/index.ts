import { destinationsPage } from './destinations-page.js';
import { funnelsPage } from './funnels-page.js';
import { livePage } from './live-page.js';
import { overviewPage } from './overview-page.js';
import { quarantinePage } from './quarantine-page.js';
import { segmentsPage } from './segments-page.js';
import type { ConsolePage } from './page.js';

/**
 * Every page of the console, in nav order; the first opens by default. Add a page by adding
 * its module here (docs/console.md, "Adding a page").
 */
export const PAGES: readonly ConsolePage[] = [livePage, quarantinePage, overviewPage, segmentsPage, funnelsPage, destinationsPage];
