import { type Children, signal, Toasts, useUser } from "vango";

/**
 * The demo's shell: every page renders inside it, and it stays mounted across live
 * navigation — the theme switch keeps its state while the pages below it change. The
 * switch decides the theme, whatever the system prefers: `.light` or `.dark` on the
 * shell picks VangoUI's palette (without either, vango-ui.css follows the system).
 */
export default function Shell(props: { children?: Children }) {
  const dark = signal(false);
  const user = useUser();
  return () => (
    <div class={["demo", dark() ? "dark" : "light"]}>
      <header>
        <h1 class="brand">Vango demo</h1>
        <nav aria-label="Demo pages">
          <a href="/">Home</a>
          <a href="/todos">Todos</a>
          <a href="/slow?ms=300">Slow data</a>
          <a href="/chat">Chat</a>
          <a href="/ui">UI</a>
          <a href="/upload">Upload</a>
          <a href="/feed">Feed</a>
          <a href="/widgets">Widgets</a>
          <a href="/account">Account</a>
          {user() === undefined ? (
            <a href="/login">Sign in</a>
          ) : (
            <span data-testid="nav-user">{user()!.name}</span>
          )}
        </nav>
        <button
          type="button"
          data-testid="theme-toggle"
          aria-pressed={dark()}
          onClick={() => dark.set(!dark())}
        >
          {dark() ? "Dark" : "Light"} theme
        </button>
      </header>
      <Toasts />
      <main id="main">{props.children}</main>
      <footer>Everything here runs on the server; the browser only applies patches.</footer>
    </div>
  );
}
