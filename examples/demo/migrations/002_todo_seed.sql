-- The two todos a new demo starts with (as the in-memory store does).
INSERT INTO demo_todos (title) VALUES ('Read the README'), ('Try the demo with JavaScript off');
