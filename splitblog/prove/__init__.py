"""The independence proof (noninterference): each site rebuilt from inputs in which
everything foreign to it is replaced, and its output compared byte for byte.

independence.py runs it (for `check` and `deploy`), perturb.py and perturb_config.py
make the perturbed copy, knowledge.py says what a site may know, garble.py what "the
same shape" is, compare.py reports what differs.
"""

from splitblog.prove.independence import Proof, check, prove, prove_output

__all__ = ["Proof", "check", "prove", "prove_output"]
