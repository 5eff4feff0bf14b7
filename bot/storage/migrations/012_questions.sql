-- Residents' questions to staff (bot/storage/questions.py). A question is a draft while the
-- resident reads the FAQ's answer (it holds what they asked, for "Tanya petugas"), open once
-- sent to staff, closed by staff (/selesai). One open question per person: later messages join it.
CREATE TABLE questions (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    channel         TEXT NOT NULL DEFAULT 'telegram',
    locale          TEXT NOT NULL DEFAULT 'id',
    created_at      TEXT NOT NULL,
    opened_at       TEXT,
    waiting_since   TEXT,
    first_answer_at TEXT,
    closed_at       TEXT,
    closed_by       INTEGER
);
CREATE UNIQUE INDEX questions_one_open ON questions (user_id) WHERE status = 'open';
CREATE INDEX questions_by_user ON questions (user_id, status);
CREATE INDEX questions_by_status ON questions (status, opened_at);

-- Every message of a question, both ways, kept until the question's person is deleted: what
-- the resident sent is never lost across a restart (relayed_at NULL: still owed to the other
-- side, sent at start-up). body: the text or caption; chat_id/message_id: the original, which
-- copyMessage copies.
CREATE TABLE question_messages (
    id          INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    kind        TEXT NOT NULL,
    body        TEXT,
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    staff_id    INTEGER,
    at          TEXT NOT NULL,
    relayed_at  TEXT
);
CREATE INDEX question_messages_by_question ON question_messages (question_id, direction, at);
CREATE INDEX question_messages_owed ON question_messages (relayed_at) WHERE relayed_at IS NULL;

-- Each resident's topic in the staff group: their questions, one after another, in one place.
CREATE TABLE question_topics (
    user_id   INTEGER PRIMARY KEY,
    chat_id   INTEGER NOT NULL,
    thread_id INTEGER NOT NULL
);
CREATE UNIQUE INDEX question_topics_thread ON question_topics (chat_id, thread_id);

-- Members of the staff group who are not staff, whom the admins were warned about (once each).
CREATE TABLE question_intruders (
    user_id   INTEGER PRIMARY KEY,
    warned_at TEXT NOT NULL
);

-- "Ini membantu" on a FAQ answer: anonymous, which answers help.
CREATE TABLE faq_feedback (
    id      INTEGER PRIMARY KEY,
    faq_key TEXT NOT NULL,
    at      TEXT NOT NULL
);

CREATE TRIGGER questions_forget AFTER DELETE ON applicants BEGIN DELETE FROM questions WHERE user_id = OLD.user_id; DELETE FROM question_topics WHERE user_id = OLD.user_id; END;
