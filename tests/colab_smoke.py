"""Run inside a Colab-like virtual environment (see test_colab_install.py).

Executes the book's Colab cell as Colab would (with `google.colab` imported), then checks that
TF-Agents imports and that a DqnAgent trains one step on experience collected from Gymnasium.
"""
import sys
from importlib.metadata import version
import types
from pathlib import Path

sys.modules["google.colab"] = types.ModuleType("google.colab")  # what Colab's kernel has imported
exec((Path(__file__).parents[1] / "tools" / "colab_cell.py").read_text())

import gymnasium as gym  # noqa: E402  (after the cell, as in the notebooks)
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tf_agents.agents.dqn import dqn_agent  # noqa: E402
from tf_agents.drivers import dynamic_step_driver  # noqa: E402
from tf_agents.environments import py_environment, tf_py_environment, utils  # noqa: E402
from tf_agents.networks import q_network  # noqa: E402
from tf_agents.replay_buffers import tf_uniform_replay_buffer  # noqa: E402
from tf_agents.specs import array_spec  # noqa: E402
from tf_agents.trajectories import time_step as ts  # noqa: E402


class GymnasiumEnv(py_environment.PyEnvironment):
    def __init__(self, env):
        super().__init__(handle_auto_reset=True)  # step() after a LAST step resets
        self._env = env
        self._observation_spec = array_spec.ArraySpec(env.observation_space.shape, np.float32, "observation")
        self._action_spec = array_spec.BoundedArraySpec((), np.int64, 0, env.action_space.n - 1, "action")

    def observation_spec(self):
        return self._observation_spec

    def action_spec(self):
        return self._action_spec

    def _reset(self):
        observation, _ = self._env.reset(seed=0)
        return ts.restart(observation.astype(np.float32))

    def _step(self, action):
        observation, reward, terminated, truncated, _ = self._env.step(int(action))
        observation = observation.astype(np.float32)
        if terminated:
            return ts.termination(observation, reward)
        if truncated:
            return ts.truncation(observation, reward)
        return ts.transition(observation, reward)


py_env = GymnasiumEnv(gym.make("CartPole-v1"))
utils.validate_py_environment(py_env, episodes=2)
env = tf_py_environment.TFPyEnvironment(py_env)
agent = dqn_agent.DqnAgent(
    env.time_step_spec(), env.action_spec(),
    q_network=q_network.QNetwork(env.observation_spec(), env.action_spec(), fc_layer_params=(16,)),
    optimizer=tf.keras.optimizers.Adam(1e-3),
    train_step_counter=tf.Variable(0, dtype=tf.int64))
agent.initialize()
buffer = tf_uniform_replay_buffer.TFUniformReplayBuffer(agent.collect_data_spec, env.batch_size,
                                                        max_length=1000)
# 600 > 500 steps: an episode must end
dynamic_step_driver.DynamicStepDriver(env, agent.collect_policy, [buffer.add_batch], num_steps=600).run()
step_types = buffer.gather_all().step_type.numpy()
assert (step_types == ts.StepType.LAST).sum() >= 1 and (step_types == ts.StepType.FIRST).sum() >= 2, (
    "collection should cross episode boundaries (auto-reset after the pole falls)")
experience, _ = next(iter(buffer.as_dataset(sample_batch_size=8, num_steps=2)))
loss = agent.train(experience).loss
assert np.isfinite(loss.numpy()) and agent.train_step_counter.numpy() == 1
print(f"COLAB PATH OK: tensorflow {tf.__version__}, tf_keras {version('tf-keras')}, loss {float(loss):.4f}")
