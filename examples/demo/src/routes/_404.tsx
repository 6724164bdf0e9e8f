import { useUrl } from "vango";

export const title = "Not found";

/** Unknown paths: an HTML 404 inside the shell. */
export default function NotFoundPage() {
  const url = useUrl();
  return () => (
    <>
      <h2 class="page-title">Page not found</h2>
      <p>
        Nothing lives at <code>{url().pathname}</code>. <a href="/">Back home</a>.
      </p>
    </>
  );
}
