import { useUser } from "vango";

export const title = "Account";

/** The signed-in user's page (its subtree's guard lets only them in). */
export default function AccountPage() {
  const user = useUser();
  return () => (
    <>
      <h2>Account</h2>
      <p>
        Signed in as <strong data-testid="account-name">{user()?.name ?? ""}</strong>
        {user()?.roles.length ? ` (${user()!.roles.join(", ")})` : ""}.
      </p>
      <form method="post" action="/logout" data-testid="logout-form">
        <button type="submit">Sign out</button>
      </form>
    </>
  );
}
