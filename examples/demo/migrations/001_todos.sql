-- The demo's todos: a title and an ordered list of sub-tasks.
CREATE TABLE demo_todos (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title      text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE demo_subtasks (
  todo_id  bigint NOT NULL REFERENCES demo_todos (id) ON DELETE CASCADE,
  position integer NOT NULL,
  title    text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
  PRIMARY KEY (todo_id, position)
);
