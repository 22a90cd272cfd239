"""Password rules beyond Django's own (settings.AUTH_PASSWORD_VALIDATORS, docs/security.md).

Django's validators refuse short, numeric and listed passwords, and ones like the username.
These also refuse a password holding the username, a listed password dressed up with capitals,
numbers or symbols ("Password123!", "P@ssw0rd"), and runs that are guessed first: one character
or group repeated, letters, numbers or keyboard keys in order. `ApiTokensEndWithPassword` is
not a rule: it is how a password change reaches the officer's API tokens.
"""

import logging
import re
from itertools import pairwise

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from knox.models import get_token_model

log = logging.getLogger("safer_norfolk.security")

# Characters typed next to each other, read either way: the alphabet, the digits (1 after 0 as
# well as 0 after 9) and the rows of a UK keyboard.
ROWS = ("abcdefghijklmnopqrstuvwxyz", "01234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
NEIGHBOURS = {pair for row in ROWS for a, b in pairwise(row) for pair in (a + b, b + a)}
# Symbols and digits written for the letters they look like ("P@ssw0rd").
LOOKALIKES = str.maketrans("@4310$5!7", "aaeiossit")
# A run of at least this many characters in order or repeated is guessable as a whole.
RUN = 3
# Fewer characters than this outside such runs makes the whole password guessable.
UNPREDICTABLE = 4


def _alphanumeric(text):
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _continues_run(previous, character):
    return previous == character or previous + character in NEIGHBOURS


class UsernameInPasswordValidator:
    """Refuses a password that holds the username, alone, repeated or with anything added.
    Django's similarity check lets "officerofficer" through for "officer"."""

    def validate(self, password, user=None):
        username = _alphanumeric(user.get_username() or "") if user is not None else ""
        if len(username) >= 3 and username in _alphanumeric(password):
            raise ValidationError(self.get_error_message(), code="password_has_username")

    def get_error_message(self):
        return "This password contains your username."

    def get_help_text(self):
        return "Your password can’t contain your username."


class PredictablePasswordValidator(CommonPasswordValidator):
    """Refuses what is guessed first: a listed password behind capitals, numbers or symbols,
    or one made of runs (one character or group repeated, letters, numbers or keys in order)."""

    def validate(self, password, user=None):
        text = password.lower()
        errors = []
        if self._is_listed_word_dressed_up(text):
            errors.append(
                ValidationError(
                    "This password is a common word or password with numbers or symbols added.",
                    code="password_too_common",
                )
            )
        if self._is_runs(text):
            errors.append(
                ValidationError(
                    "This password is made of characters repeated or in order, such as aaaa, "
                    "abcd, 1234 or qwerty.",
                    code="password_too_predictable",
                )
            )
        if errors:
            raise ValidationError(errors)

    def _is_listed_word_dressed_up(self, text):
        # Numbers and symbols before or after the word are dropped; those inside it are read
        # as the letters they stand for, then dropped if they stand for none.
        word = re.sub(r"^[^a-z]+|[^a-z]+$", "", text).translate(LOOKALIKES)
        core = re.sub(r"[^a-z]", "", word)
        repeated = re.fullmatch(r"(.+?)\1+", core)
        return bool(core) and (
            core in self.passwords or (repeated is not None and repeated[1] in self.passwords)
        )

    def _is_runs(self, text):
        if re.fullmatch(r"(.+?)\1+", text):
            return True
        outside_runs = 0
        start = 0
        for end in range(1, len(text) + 1):
            if end < len(text) and _continues_run(text[end - 1], text[end]):
                continue
            if end - start < RUN:
                outside_runs += end - start
            start = end
        return outside_runs < UNPREDICTABLE

    def get_help_text(self):
        return (
            "Your password can’t be a common word or password with numbers or symbols added "
            "(like Password123!), or be made of characters repeated or in order (like aaaa, "
            "abcd, 1234 or qwerty)."
        )


class ApiTokensEndWithPassword:
    """Cancels an officer's API tokens when their password changes. Django calls
    password_changed() after saving a password set with set_password(): the admin's forms,
    `manage.py changepassword` and password resets all do; the silent rehash of a password at
    sign-in when Django strengthens its hashing does not, and leaves the tokens working."""

    def validate(self, password, user=None):
        pass

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        cancelled, _ = get_token_model().objects.filter(user=user).delete()
        if cancelled:
            log.info(
                "password changed: %d API token(s) of user %r cancelled",
                cancelled,
                user.get_username(),
            )

    def get_help_text(self):
        return "Changing a password cancels that officer’s API tokens."
