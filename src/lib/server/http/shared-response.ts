/** Whether a response may be kept by shared caches (`Cache-Control: public`), and so must say what it varies by. */
export function isSharedResponse(response: Response): boolean {
	return /\bpublic\b/.test(response.headers.get('cache-control') ?? '');
}
