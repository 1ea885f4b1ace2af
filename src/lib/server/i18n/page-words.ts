import { m } from '$lib/paraglide/messages';

// The words of what every page has (the header, the footer, the error page), said on the server in the
// request's language and sent with the root layout's data. A message used in the browser carries every
// language, and these ship with every page, the ballot's included, which has a byte budget
// (tests/e2e/light.test.ts): sent as data, each page carries its own language only.

/** The header's and footer's words. */
export function layoutWords() {
	return {
		skip: m.nav_skip(),
		main: m.nav_main_label(),
		menu: m.nav_menu(),
		home: m.nav_home(),
		directory: m.nav_directory(),
		myEvents: m.nav_my_events(),
		myProjects: m.nav_my_projects(),
		platformAdmin: m.nav_platform_admin(),
		profileOf: m.nav_profile_of(),
		signOut: m.nav_sign_out(),
		signIn: m.nav_sign_in(),
		maintenance: m.nav_maintenance(),
		maintenanceAdmin: m.nav_maintenance_admin(),
		footer: m.layout_footer(),
		language: m.language_link()
	};
}

/** An error page's headline and next step per status, and its links (src/routes/+error.svelte). */
export function errorWords() {
	return {
		links: {
			signInBack: m.error_sign_in_back(),
			eventPage: m.error_event_page(),
			yourEvents: m.error_your_events(),
			tryAgain: m.error_try_again(),
			home: m.error_back_home()
		},
		// The status line's sentences, filled in by the page (`%s`): the status, the log reference.
		lines: { status: m.error_status({ status: '%s' }), reference: m.error_reference({ reference: '%s' }) },
		byStatus: errorWordsByStatus()
	};
}

function errorWordsByStatus(): Record<number, { headline: string; next: string }> {
	return {
		400: { headline: m.error_400_headline(), next: m.error_400_next() },
		401: { headline: m.error_401_headline(), next: m.error_401_next() },
		403: { headline: m.error_403_headline(), next: m.error_403_next() },
		404: { headline: m.error_404_headline(), next: m.error_404_next() },
		409: { headline: m.error_409_headline(), next: m.error_409_next() },
		429: { headline: m.error_429_headline(), next: m.error_429_next() },
		500: { headline: m.error_500_headline(), next: m.error_500_next() },
		503: { headline: m.error_503_headline(), next: m.error_503_next() }
	};
}
