import { type Children, useUser } from "vango";

/** Every page's frame: stays mounted, with its state, while the user navigates. */
export default function Layout(props: { children?: Children }) {
  const user = useUser();
  return () => (
    <>
      <nav>
        <a href="/">Home</a> <a href="/notes">Notes</a>{" "}
        {user() === undefined ? (
          <a href="/login">Sign in</a>
        ) : (
          <a href="/account">{user()!.name}</a>
        )}
      </nav>
      {props.children}
    </>
  );
}
