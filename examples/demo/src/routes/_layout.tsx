import { type Children, useUser } from "vango";

/** The demo's shell: every page renders inside it, and it stays mounted across live navigation. */
export default function Shell(props: { children?: Children }) {
  const user = useUser();
  return () => (
    <div class="demo">
      <header>
        <h1 class="brand">Vango demo</h1>
        <nav aria-label="Demo pages">
          <a href="/">Home</a>
          <a href="/todos">Todos</a>
          <a href="/account">Account</a>
          {user() === undefined ? (
            <a href="/login">Sign in</a>
          ) : (
            <span data-testid="nav-user">{user()!.name}</span>
          )}
        </nav>
      </header>
      <main id="main">{props.children}</main>
      <footer>Everything here runs on the server; the browser only applies patches.</footer>
    </div>
  );
}
