"""fidelity.mask: what varies by nature is masked consistently, nothing else changes."""

from hypothesis import given, strategies as st

from fidelity.mask import FINGERPRINT, NOW, Masker, tokens_in

WINDOW = (1796000000000, 1796000600000)        # the run: ten minutes
INSIDE = 1796000300000
tokens = st.text("0123456789abcdef", min_size=32, max_size=32)
# Text with no visitor token and no 13-digit time in it: what must come out unchanged.
plain = st.text(st.characters(exclude_categories=("Cs",)), max_size=40).filter(
    lambda t: not tokens_in(t) and not any(ch.isdigit() for ch in t))


def masker(**kwargs):
    return Masker(WINDOW, **kwargs)


class TestTokens:
    """Visitor tokens -> <visitor n>, in order of first appearance."""

    def test_same_token_same_placeholder_across_values(self):
        m = masker()
        a, b = "a" * 32, "b" * 32
        assert m.text("vi=" + a) == "vi=<visitor 1>"
        assert m.text("165642912.%s.x" % b) == "165642912.<visitor 2>.x"
        assert m.text(a) == "<visitor 1>"

    def test_tokens_the_scenario_wrote_stay(self):
        token = "0123456789abcdef0123456789abcdef"
        assert masker(keep={token}).text("u=1." + token + ".2") == "u=1." + token + ".2"

    def test_longer_hex_runs_are_not_tokens(self):
        assert masker().text("f" * 33) == "f" * 33

    @given(st.lists(tokens, min_size=1, max_size=12))
    def test_renaming_is_one_to_one(self, sequence):
        """Equal tokens get equal placeholders, different tokens different ones: "same
        visitor" and "new visitor" survive masking."""
        m = masker()
        masked = [m.text(token) for token in sequence]
        for i in range(len(sequence)):
            for j in range(len(sequence)):
                assert (masked[i] == masked[j]) == (sequence[i] == sequence[j])

    @given(st.lists(st.one_of(plain, st.integers(0, 3)), max_size=8),
           st.lists(st.one_of(plain, st.integers(0, 3)), max_size=8),
           st.lists(tokens, min_size=4, max_size=4, unique=True),
           st.lists(tokens, min_size=4, max_size=4, unique=True))
    def test_only_tokens_change_so_real_differences_stay(self, a, b, ids_a, ids_b):
        """Values made of text and tokens (each run its own random tokens): masking
        changes the tokens alone, numbered by first appearance, so two runs' values mask
        equal exactly when they differ in nothing but which random tokens they drew."""
        def render(template, ids):
            return "|".join(ids[part] if type(part) is int else part for part in template)

        def expected(template):
            order = []
            for part in template:
                if type(part) is int and part not in order:
                    order.append(part)
            return render(template, {i: "<visitor %d>" % (order.index(i) + 1) for i in order})

        masked_a = masker().text(render(a, ids_a))
        masked_b = masker().text(render(b, ids_b))
        assert masked_a == expected(a)
        assert (masked_a == masked_b) == (expected(a) == expected(b))


class TestClock:
    """Times of the run -> <now>; the scenario's own times are named or kept."""

    def test_time_inside_the_run_is_now(self):
        assert masker().text("cts=%d" % INSIDE) == "cts=" + NOW

    def test_times_outside_the_run_stay(self):
        assert masker().text("1700000000000") == "1700000000000"

    def test_scenario_times_get_their_name(self):
        m = masker(named={1700000000000: "<first visit>"})
        assert m.text("1.%d.%d" % (1700000000000, INSIDE)) == "1.<first visit>." + NOW

    def test_numbers_of_other_lengths_stay(self):
        assert masker().text("179600030000 17960003000001") == "179600030000 17960003000001"


class TestParams:
    """Per-parameter masks: screen and fingerprint; everything else as text."""

    def test_screen_keeps_its_order(self):
        m = masker(screen=(1280, 720))
        assert m.param("sd", "1280x720") == "<width>x<height>"
        assert m.param("sd", "720x1280") == "<height>x<width>"

    def test_fingerprint_param_and_its_value_elsewhere(self):
        m = masker(fingerprint="1416815012")
        assert m.param("bfp", "1416815012") == FINGERPRINT
        assert m.param("_args", '["a",1416815012]') == '["a",%s]' % FINGERPRINT
        assert m.param("_n", "14168150123") == "14168150123"

    @given(st.sampled_from(["k", "a", "pu", "t", "n", "_plan", "i", "cc", "po"]), plain)
    def test_other_params_are_unchanged(self, key, value):
        assert masker(screen=(1280, 720), fingerprint="1416815012").param(key, value) == value
