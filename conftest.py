# nameko needs eventlet's monkey patch before anything else is imported (plain pytest hangs without).
import eventlet

eventlet.monkey_patch()
