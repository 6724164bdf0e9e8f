import { logout } from "vango";

export const title = "Sign out";

/** POST /logout: revokes this browser's sign-in (both tokens) and goes to /login. */
export const action = logout;

/** GET /logout: the same form as on /account. */
export default function LogoutPage() {
  return (
    <>
      <h2>Sign out</h2>
      <form method="post" data-testid="logout-form">
        <button type="submit">Sign out</button>
      </form>
    </>
  );
}
