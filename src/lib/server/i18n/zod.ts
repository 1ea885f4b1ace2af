import { z } from 'zod';
import en from 'zod/v4/locales/en.js';
import es from 'zod/v4/locales/es.js';
import { getLocale } from '../../paraglide/runtime.js';

// Zod's own messages (a check written without one of ours) in the request's language: its bundled
// locales, picked when the message is made, not when the schema is.
const errorMaps = { en: en().localeError, es: es().localeError };

z.config({
	localeError: (issue) => (errorMaps[getLocale() as keyof typeof errorMaps] ?? errorMaps.en)(issue)
});
