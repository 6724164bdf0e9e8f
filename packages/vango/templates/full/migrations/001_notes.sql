CREATE TABLE notes (
  id serial PRIMARY KEY,
  user_id text NOT NULL,
  title text NOT NULL,
  body text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notes_user_created ON notes (user_id, created_at DESC);
