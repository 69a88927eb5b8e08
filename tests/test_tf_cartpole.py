"""The appendix's CartPole in TensorFlow ops moves as Gymnasium's CartPole-v1 does.

Both are driven from the same states with the same actions over more than 10,000 transitions
in many episodes: some short (random pushes end them by the pole's angle or the cart's
position), some long (a simple balancing rule keeps the pole up until the 500-step truncation).
Every transition must end with the same termination and truncation flags and the same state, to
float32 precision.
"""
import os

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import gymnasium as gym  # noqa: E402
import tensorflow as tf  # noqa: E402

from dqnbook.appendix_speed import MAX_STEPS, cartpole_reset, cartpole_step  # noqa: E402

NUM_ENVS, NUM_STEPS = 25, 520  # 13,000 transitions; > 500 steps, so episodes truncate
# Gymnasium computes in float64 and returns float32 observations; the TF version computes in
# float32. From the same float32 state, one Euler step differs by float32 rounding: a few units
# in the last place of numbers below 4 in size (float32's spacing there is 2.4e-7 to 4.8e-7).
# Whole trajectories are NOT compared: the upright pole is unstable, so rounding differences
# grow exponentially with time and would test chaos, not the code. Every step starts Gymnasium
# from the TF environment's state instead.
ATOL = 1e-6


def test_tf_cartpole_matches_gymnasium():
    envs = [gym.make("CartPole-v1") for _ in range(NUM_ENVS)]
    for k, env in enumerate(envs):
        env.reset(seed=k)  # starts its TimeLimit counter; the state comes from TF
    states = cartpole_reset(tf.constant([1, 2]), NUM_ENVS)
    steps = tf.zeros([NUM_ENVS], tf.int32)
    assert np.all(np.abs(states.numpy()) <= 0.05)
    step = tf.function(cartpole_step)
    rng = np.random.default_rng(0)
    ended = {"terminated": 0, "truncated": 0}
    for t in range(NUM_STEPS):
        s = states.numpy()
        balance = (s[:, 2] + 0.5 * s[:, 3] > 0).astype(np.int32)  # push toward the lean
        actions = np.where(rng.random(NUM_ENVS) < 0.25, rng.integers(0, 2, NUM_ENVS),
                           balance).astype(np.int32)
        next_states, terminated, truncated, states, steps = step(
            states, steps, tf.constant(actions), tf.constant([3, t]))
        gym_states, gym_flags = np.zeros((NUM_ENVS, 4), np.float32), []
        for k, env in enumerate(envs):
            env.unwrapped.state = s[k].astype(np.float64)  # the same state ...
            gym_states[k], reward, *flags, _ = env.step(int(actions[k]))  # ... and action
            assert reward == 1.0
            gym_flags.append(flags)
            if any(flags):
                env.reset()
        gym_terminated, gym_truncated = np.array(gym_flags).T
        assert np.array_equal(gym_terminated, terminated.numpy()), t
        assert np.array_equal(gym_truncated, truncated.numpy()), t
        np.testing.assert_allclose(next_states.numpy(), gym_states, rtol=0, atol=ATOL)
        ended["terminated"] += int(gym_terminated.sum())
        ended["truncated"] += int(gym_truncated.sum())
        # An ended TF episode goes on from a fresh start state, its count back at 0.
        done = gym_terminated | gym_truncated
        assert np.all(steps.numpy()[done] == 0)
        assert np.all(np.abs(states.numpy()[done]) <= 0.05)
    assert NUM_ENVS * NUM_STEPS >= 10_000
    assert ended["terminated"] >= 10 and ended["truncated"] >= 10, ended
    assert MAX_STEPS == 500


def test_resets_are_stateless_random():
    """The same key gives the same start states; another key, others."""
    a, b = cartpole_reset(tf.constant([5, 6]), 8), cartpole_reset(tf.constant([5, 6]), 8)
    c = cartpole_reset(tf.constant([5, 7]), 8)
    assert np.array_equal(a.numpy(), b.numpy()) and not np.array_equal(a.numpy(), c.numpy())
