"""Numbers as JavaScript's String(number) writes them: group labels such as "layer=0" or "distance∈[0,50)" are
built by occam from attribute values and bin edges that way, and a model's groups are looked up by label."""
from decimal import Decimal


def js_number_text(value):
    """String(value) in JavaScript (ECMA-262 Number::toString, radix 10) for a finite number."""
    v = float(value)
    if v == 0:
        return "0"
    sign = "-" if v < 0 else ""
    # repr() and JavaScript both give the shortest digit string that reads back to the same double.
    digits_tuple, exponent = Decimal(repr(abs(v))).as_tuple()[1:]
    digits = "".join(str(d) for d in digits_tuple).rstrip("0") or "0"
    stripped = len("".join(str(d) for d in digits_tuple)) - len(digits)
    k = len(digits)
    n = k + exponent + stripped  # value = 0.digits x 10^n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        text = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + text


def js_value_text(value):
    """An attribute value in a label: strings as they are, numbers as JavaScript writes them."""
    if isinstance(value, str):
        return value
    return js_number_text(value)
