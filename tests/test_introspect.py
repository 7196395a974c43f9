"""Introspection against the installed torch 2.13.0 and MindSpore 2.10.0."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import introspect
from generator.cli import main
from generator.errors import ApiNotFoundError
from generator.introspect import (
    Draft,
    api_kind,
    doc_url,
    drift,
    pair_rows,
    read,
    read_signature,
    read_signatures,
    resolve,
    scaffold,
    walk,
)
from generator.model import DiffKind, Signature
from generator.validate import load_spec

from .conftest import DATA, ROOT


@pytest.mark.parametrize(
    ("name", "kind", "signature"),
    [
        (
            "torch.optim.Rprop",
            "class",
            "(params, lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-06, 50), *, capturable=False, foreach=None, "
            "maximize=False, differentiable=False)",
        ),
        (
            "mindspore.nn.Rprop",
            "class",
            "(params, learning_rate=0.1, etas=(0.5, 1.2), step_sizes=(1e-06, 50.0), weight_decay=0.0)",
        ),
        (
            "mindspore.experimental.optim.Rprop",
            "class",
            "(params, lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-06, 50), *, maximize=False)",
        ),
        (
            "mindspore.nn.RMSProp",
            "class",
            "(params, learning_rate=0.1, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False, centered=False, "
            "loss_scale=1.0, weight_decay=0.0)",
        ),
        ("torch.amax", "function", "(input, dim=None, keepdim=False, *, out=None)"),
        ("torch.where", "function", "(condition, input, other, *, out=None)"),
        ("torch.Tensor.amax", "method", "(dim=None, keepdim=False)"),
        ("mindspore.Tensor.amax", "method", "(axis=None, keepdims=False, *, initial=None, where=None)"),
        ("mindspore.ops.amax", "function", "(input, axis=None, keepdims=False, *, initial=None, where=None)"),
        ("mindspore.ops.elu", "function", "(input_x, alpha=1.0)"),
        (
            "mindspore.nn.LayerNorm",
            "class",
            "(normalized_shape, begin_norm_axis=-1, begin_params_axis=-1, gamma_init='ones', beta_init='zeros', "
            "epsilon=1e-07, dtype=mindspore.float32)",
        ),
        (  # parameters in a typing @overload of __init__(*args, **kwargs)
            "torch.nn.LSTM",
            "class",
            "(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0, bidirectional=False, "
            "proj_size=0, device=None, dtype=None)",
        ),
        (  # __init__(*args, **kwargs) calls super().__init__('LSTM', *args, **kwargs)
            "mindspore.nn.LSTM",
            "class",
            "(input_size, hidden_size, num_layers=1, has_bias=True, batch_first=False, dropout=0.0, "
            "bidirectional=False, dtype=mindspore.float32)",
        ),
        ("torch.Tensor", "class", "(*args, device=None)"),  # TensorBase.__new__ is C: its type stub says
        (  # a function default is written by its name, not by a repr holding its address
            "torch.nn.TransformerEncoderLayer",
            "class",
            "(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=torch.nn.functional.relu, "
            "layer_norm_eps=1e-05, batch_first=False, norm_first=False, bias=True, device=None, dtype=None)",
        ),
        (  # a function that shares its name with the submodule defining it
            "mindspore.scipy.optimize.minimize",
            "function",
            "(func, x0, args=(), method=None, jac=None, hess=None, hessp=None, bounds=None, constraints=(), tol=None, "
            "callback=None, options=None)",
        ),
    ],
)
def test_signatures_of_the_installed_versions(name: str, kind: str, signature: str) -> None:
    assert api_kind(resolve(name)) == kind
    assert str(read_signature(name)) == signature


def test_overloads_published_by_torch() -> None:
    assert [str(s) for s in read_signatures("torch.where")] == ["(condition, input, other, *, out=None)", "(condition)"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("torch.optim.Rpropp", "torch.optim.Rpropp does not exist in torch 2.13.0; did you mean torch.optim.Rprop?"),
        ("mindspore.nn.NoSuchThing", "mindspore.nn.NoSuchThing does not exist in mindspore 2.10.0"),
        ("numpy.sum", "numpy.sum: only torch and mindspore APIs can be mapped"),
    ],
)
def test_a_missing_api_is_a_clear_error(name: str, message: str) -> None:
    with pytest.raises(ApiNotFoundError) as caught:
        resolve(name)
    assert str(caught.value) == message


def test_documentation_links_of_the_pinned_versions() -> None:
    assert doc_url("torch.optim.Rprop") == "https://docs.pytorch.org/docs/2.13/generated/torch.optim.Rprop.html"
    assert (
        doc_url("torch.utils.data.DataLoader")
        == "https://docs.pytorch.org/docs/2.13/data.html#torch.utils.data.DataLoader"
    )
    assert (
        doc_url("torch.utils.data.distributed.DistributedSampler")
        == "https://docs.pytorch.org/docs/2.13/data.html#torch.utils.data.distributed.DistributedSampler"
    )
    assert doc_url("torch.nn.init.uniform_") == "https://docs.pytorch.org/docs/2.13/nn.init.html#torch.nn.init.uniform_"
    assert doc_url("torch.utils.checkpoint.checkpoint").endswith("/generated/torch.utils.checkpoint.checkpoint.html")
    assert (
        doc_url("mindspore.nn.Rprop") == "https://www.mindspore.cn/docs/en/r2.10/api_python/nn/mindspore.nn.Rprop.html"
    )
    assert doc_url("mindspore.ops.amax", lang="zh_CN").startswith(
        "https://www.mindspore.cn/docs/zh-CN/r2.10/api_python/ops/"
    )


def test_rows_are_paired_by_name_then_position() -> None:
    rows = pair_rows(read_signature("torch.optim.Rprop"), read_signature("mindspore.nn.Rprop"))
    by_torch = {r.torch: r for r in rows}
    assert by_torch["lr"].mindspore == "learning_rate"
    assert by_torch["lr"].kind == (DiffKind.RENAMED, DiffKind.DEFAULT_DIFFERS)
    assert by_torch["step_sizes"].kind == (DiffKind.DEFAULT_DIFFERS,)  # 50 against 50.0
    assert by_torch["etas"].kind == (DiffKind.SAME,)
    assert by_torch["maximize"].kind == (DiffKind.TORCH_ONLY,)
    assert rows[-1].mindspore == "weight_decay" and rows[-1].kind == (DiffKind.MINDSPORE_ONLY,)
    elu = pair_rows(read_signature("torch.nn.functional.elu"), read_signature("mindspore.ops.elu"))
    assert [(r.torch, r.mindspore) for r in elu] == [("input", "input_x"), ("alpha", "alpha"), ("inplace", None)]


def test_drift_names_every_difference() -> None:
    declared = Signature.parse("(params, lr=0.1, etas=(0.5, 1.2), step_sizes=(1e-06, 50), *, maximize=False, extra=1)")
    installed = read_signature("mindspore.experimental.optim.Rprop")
    assert drift(declared, installed) == [
        "parameter 'lr' defaults to 0.01, not 0.1",
        "declares parameter 'extra', which the installed version does not have",
    ]
    assert drift(installed, installed) == []


@pytest.mark.parametrize(
    ("torch_name", "ms_name"),
    [
        ("torch.optim.Rprop", "mindspore.nn.Rprop"),
        ("torch.amax", "mindspore.ops.amax"),
        ("torch.nn.LayerNorm", "mindspore.nn.LayerNorm"),
        ("torch.Tensor.amax", "mindspore.Tensor.amax"),
        ("torch.sum", "mindspore.mint.sum"),  # torch's two overloads
        ("torch.nn.Tanh", "mindspore.nn.Tanh"),  # no parameters on either side
        ("torch.nn.Container", "mindspore.nn.CellDict"),  # variadic by definition
        ("torch.set_autocast_xla_enabled", "mindspore.Tensor.wait_pipeline"),  # method table: (arg, /) and ()
    ],
)
def test_scaffold_loads_as_a_valid_spec(tmp_path: Path, torch_name: str, ms_name: str) -> None:
    path = tmp_path / f"{torch_name}.yaml"
    path.write_text(scaffold(torch_name, ms_name), encoding="utf-8")
    spec = load_spec(path).spec
    assert spec.torch.signatures == read_signatures(torch_name)
    assert spec.targets[0].mindspore.signatures == read_signatures(ms_name)


def test_scaffold_writes_a_default_with_no_source_form_as_ellipsis(tmp_path: Path) -> None:
    # torch's `op` defaults to a C++ enum member, whose repr is no Python; a function is written by its name
    for torch_name, ms_name, signature in (
        (
            "torch.distributed.all_reduce",
            "mindspore.communication.comm_func.all_reduce",
            "(tensor, op=..., group=None, async_op=False)",
        ),
        (
            "torch.utils.checkpoint.checkpoint",
            "mindspore.recompute",
            "(function, *args, use_reentrant=None, context_fn=torch.utils.checkpoint.noop_context_fn, "
            "determinism_check='default', debug=False, early_stop=True, **kwargs)",
        ),
    ):
        path = tmp_path / f"{torch_name}.yaml"
        path.write_text(scaffold(torch_name, ms_name), encoding="utf-8")
        assert str(load_spec(path).spec.torch.signature) == signature


def test_a_lambda_default_is_written_as_ellipsis_the_same_every_time() -> None:
    # its repr holds a memory address, which would make every draft differ from the last
    first, again = (introspect.read("mindspore.nn.LARS").signatures[0] for _ in range(2))
    assert str(first) == str(again)
    assert first.parts[-1] == "lars_filter=..."


def test_new_then_check_refuses_the_placeholders(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    assert main(["new", "torch.amax", "mindspore.ops.amax"]) == 0
    assert main(["new", "torch.amax", "mindspore.ops.amax"]) == 3  # a usage error: no overwrite without --force
    capsys.readouterr()
    assert main(["check"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "mappings/torch.amax.yaml:8:9: en text still has the TODO placeholder of `apimap new`"
    assert err[-1] == f"apimap: {len(err) - 1} errors"


def _write_drifted_amax(project: Path) -> None:
    """The amax spec with a default the installed torch does not have."""
    text = (DATA / "specs" / "torch.amax.yaml").read_text(encoding="utf-8")
    text = text.replace("(input, dim=None, keepdim=False, *, out=None)", "(input, dim=None, keepdim=False, *, out=0)")
    (project / "mappings" / "torch.amax.yaml").write_text(text, encoding="utf-8")


def test_check_reports_drift_at_the_signature(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_drifted_amax(project)
    monkeypatch.chdir(project)
    assert main(["check"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "mappings/torch.amax.yaml:5:14: torch.amax: parameter 'out' defaults to None, not 0",
        "apimap: 1 error",
    ]


def test_allow_list_entries_must_match_and_say_why(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_drifted_amax(project)
    allow = project / "mappings" / "allowlist.yaml"
    allow.write_text("- spec: torch.amax\n  match: defaults to None\n  why: a test of the allow-list itself\n")
    monkeypatch.chdir(project)
    assert main(["check"]) == 0
    allow.write_text(allow.read_text() + "- spec: torch.where\n  match: anything\n  why: nothing matches this entry\n")
    capsys.readouterr()
    assert main(["check"]) == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        "mappings/allowlist.yaml:4:3: allow-list entry for torch.where matches no problem; remove it"
    )
    # offline the drift is not looked for, so an entry excusing it is not reported unused
    allow.write_text(allow.read_text().split("- spec: torch.where")[0])
    assert main(["check", "--offline"]) == 0


def test_the_project_mappings_pass_check(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["check"]) == 0, capsys.readouterr().err


def test_pairing_undoes_mindspore_naming_habits() -> None:
    swap = pair_rows(read_signature("torch.transpose"), read_signature("mindspore.ops.swapaxes"))
    assert [(r.torch, r.mindspore) for r in swap] == [("input", "input"), ("dim0", "axis0"), ("dim1", "axis1")]
    adam = pair_rows(read_signature("torch.optim.Adam"), read_signature("mindspore.nn.Adam"))
    assert ("amsgrad", "use_amsgrad") in {(r.torch, r.mindspore) for r in adam}


def test_pairing_uses_synonyms_and_related_names() -> None:
    rows = pair_rows(read_signature("torch.nn.Linear"), read_signature("mindspore.nn.Dense"))
    pairs = {(r.torch, r.mindspore) for r in rows}
    assert ("in_features", "in_channels") in pairs and ("out_features", "out_channels") in pairs
    assert ("bias", "has_bias") in pairs and (None, "weight_init") in pairs  # a synonym, not a neighbour


def test_varargs_signature_published_by_torch() -> None:
    assert str(read_signature("torch.zeros")) == (
        "(*size, out=None, dtype=None, layout=torch.strided, device=None, requires_grad=False)"
    )
    size = next(
        r for r in pair_rows(read_signature("torch.zeros"), read_signature("mindspore.ops.zeros")) if r.torch == "size"
    )
    assert size.kind == (DiffKind.TYPE_DIFFERS,)


@pytest.mark.parametrize(
    ("name", "source", "how", "signatures"),
    [
        (  # a C builtin whose docstring opens with an annotated line
            "torch.abs",
            "docstring",
            "the docstring",
            ["(input, *, out=None)"],
        ),
        (  # more overloads as `.. function::` lines
            "torch.sum",
            "docstring",
            "the docstring, 2 overloads",
            ["(input, *, dtype=None)", "(input, dim, keepdim=False, *, dtype=None)"],
        ),
        (  # `arange(start=0, end, step=1, ...)` is two overloads
            "torch.arange",
            "docstring",
            "the docstring, 2 overloads",
            [
                "(end, *, out=None, dtype=None, layout=torch.strided, device=None, requires_grad=False)",
                "(start, end, step=1, *, out=None, dtype=None, layout=torch.strided, device=None, requires_grad=False)",
            ],
        ),
        (  # a dispatch wrapper (*args, **kwargs) with the real line in its docstring
            "torch.unique",
            "docstring",
            "the docstring",
            ["(input, sorted=True, return_inverse=False, return_counts=False, dim=None)"],
        ),
        ("torch.einsum", "docstring", "the docstring", ["(equation, *operands)"]),  # (*args) in its source
        (  # torch's boolean_dispatch: read through to the functions it picks between
            "torch.unique_consecutive",
            "inspect",
            "inspect.signature of _consecutive_return_output and _consecutive_return_counts, which it wraps",
            ["(input, return_inverse=False, return_counts=False, dim=None)"],
        ),
        (  # a MindSpore generated overload dispatcher
            "mindspore.mint.add",
            "docstring",
            "the docstring",
            ["(input, other, *, alpha=1)"],
        ),
        ("mindspore.ops.lt", "docstring", "the docstring", ["(input, other)"]),
        (  # a Module without __init__ of its own: Module.__init__ takes nothing
            "torch.nn.Tanh",
            "inspect",
            "torch.nn.modules.module.Module.__init__, which passes its arguments on to object.__init__: none",
            ["()"],
        ),
        (  # a Cell whose __init__(*args, **kwargs) drops them
            "mindspore.nn.Identity",
            "inspect",
            "mindspore.nn.layer.basic.Identity.__init__, which ignores its *args and **kwargs: none",
            ["()"],
        ),
        ("torch.Tensor.abs", "docstring", "the docstring", ["()"]),  # method descriptors, without self
        ("torch.Tensor.sum", "docstring", "the docstring", ["(dim=None, keepdim=False, dtype=None)"]),
        ("mindspore.Tensor.add", "docstring", "the docstring, 2 overloads", ["(other)", "(other, *, alpha=1)"]),
        (  # a builtin without a docstring: torch's type stubs
            "torch.scalar_tensor",
            "stub",
            "the type stub of torch._C._VariableFunctions",
            ["(s, *, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False)"],
        ),
        (  # an OpOverloadPacket: the ATen schema
            "torch.quantized_gru",
            "schema",
            "the ATen operator schema, 2 overloads (names and defaults as TorchScript has them)",
            [
                "(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first)",
                "(data, batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidirectional)",
            ],
        ),
        (  # a MindSpore primitive exported as an instance: its documented inputs
            "mindspore.ops.tensor_sub",
            "docstring",
            "the Inputs section of the docstring of Sub",
            ["(x, y)"],
        ),
        (  # a class built in C: the Args section of its docstring
            "mindspore.Tensor",
            "docstring",
            "the Args section of the docstring of Tensor",
            ["(input_data=None, dtype=None, shape=None, init=None, const_arg=False, device=None)"],
        ),
        (  # a C class: torch's type stub of its constructor
            "torch.device",
            "stub",
            "the type stub of torch._C.device.__init__, 2 overloads",
            ["(device)", "(type, index)"],
        ),
        (  # mint's view wrappers close over the real function
            "mindspore.mint.flatten",
            "inspect",
            "inspect.signature of flatten, which it wraps",
            ["(input, start_dim=0, end_dim=-1)"],
        ),
        (  # a dispatcher (*args, **kwargs) whose docstring has an Args section but no signature line
            "mindspore.mint.kthvalue",
            "docstring",
            "the Args section of the docstring",
            ["(input, k, dim=-1, keepdim=False)"],
        ),
        (  # a generic Primitive('TupleGetItem'): the backpropagator registered for it takes its inputs, then out, dout
            "mindspore.ops.tuple_getitem",
            "inspect",
            "the backpropagator mindspore.ops._grad_experimental.grad_implementations.bprop_tuple_getitem, "
            "without its out and dout",
            ["(data, idx)"],
        ),
        (  # Primitive('make_range'): the primitive class of that name
            "mindspore.ops.make_range",
            "inspect",
            "mindspore.ops.operations._sequence_ops.make_range.__call__",
            ["(start, limit, delta)"],
        ),
        (  # Primitive('EnvironSet'): its kernel registration names the inputs
            "mindspore.ops.environ_set",
            "schema",
            "the AiCPU registration of EnvironSet",
            ["(env, key, value)"],
        ),
        (  # the graph compiler turns `a is not b` (operator.is_not) into this primitive
            "mindspore.ops.is_not",
            "inspect",
            "inspect.signature of _operator.is_not, which MindSpore compiles into it",
            ["(a, b, /)"],
        ),
        (  # Primitive('switch_layer'): the forward propagator MindSpore's autodiff finds by its name
            "mindspore.ops.switch_layer",
            "inspect",
            "the forward propagator mindspore.ops._grad_experimental.grad_implementations._fprop_switch_layer",
            ["(index, layers)"],
        ),
        (  # compiled from builtins.next, whose docstring writes its optional argument in brackets
            "mindspore.ops.ms_next",
            "docstring",
            "the docstring, 2 overloads of builtins.next, which MindSpore compiles into it",
            ["(iterator)", "(iterator, default)"],
        ),
        (  # a MultitypeFuncGraph: the functions registered on it
            "mindspore.ops.env_get",
            "inspect",
            "inspect.signature of the 2 functions registered on it, 2 overloads",
            ["(env, parameter)", "(env, map_parameter)"],
        ),
        (  # a C Tensor method: its Python counterpart in mindspore.ops.tensor_method, without the tensor
            "mindspore.Tensor.t",
            "inspect",
            "inspect.signature of mindspore.ops.tensor_method.tensor_t without its tensor",
            ["()"],
        ),
        (  # a C Tensor method whose docstring refers to a function
            "mindspore.Tensor.is_complex",
            "inspect",
            "inspect.signature of mindspore.ops.is_complex, which its docstring refers to",
            ["()"],
        ),
        ("mindspore.Tensor.set_dtype", "docstring", "the Args section of the docstring", ["(dtype)"]),  # "Arg:"
        (  # Returns and Examples, no Args, examples pass nothing
            "mindspore.Tensor.dim",
            "docstring",
            "the docstring, which documents no arguments",
            ["()"],
        ),
        (  # `class FloatTensor(Tensor): ...` in the stub; at run time its only base is object
            "torch.FloatTensor",
            "stub",
            "the type stub of torch._C.TensorBase.__init__, 4 overloads, "
            "which torch._C.FloatTensor inherits in its stub",
            ["(*args, device=None)", "(storage)", "(other)", "(size, *, device=None)"],
        ),
        (  # `class Size(tuple[_int, ...])` in the stub
            "torch.Size",
            "inspect",
            "inspect.signature of tuple, which torch._C.Size inherits in its stub",
            ["(iterable=(), /)"],
        ),
        ("torch.DisableTorchFunction", "stub", "the type stub of torch._C.DisableTorchFunction", ["()"]),  # a function
        (  # pybind11 annotates its constructor with C++ types
            "torch.ScriptModule",
            "docstring",
            "the docstring",
            ["(arg0, arg1, arg2)"],
        ),
    ],
)
def test_each_kind_of_callable_gets_its_real_signature(name: str, source: str, how: str, signatures: list[str]) -> None:
    reading = read(name)
    assert (reading.source, reading.how, [str(s) for s in reading.signatures]) == (source, how, signatures)
    assert not reading.placeholder


@pytest.mark.parametrize(
    ("name", "why"),
    [
        # a generic primitive's docstring is Primitive's, whose Args are the constructor's (name): not its inputs
        ("mindspore.ops.typeof", "nothing installed names the inputs of Primitive('typeof')"),
        ("mindspore.ops.zip_operation", "its __call__(self, *args) is all MindSpore states, and its body is pass"),
        ("mindspore.Tensor.itemset", "it passes its *args on whole to tensor_itemset: a wrapper"),
        ("torch.fork", "a C function whose docstring is pybind11's generic (*args, **kwargs)"),
        ("torch.nn.functional.has_torch_function_variadic", "a C function: only its stub says (*args)"),
        ("torch.StorageBase", "a C class whose __new__ shows (*args, **kwargs)"),
    ],
)
def test_what_nothing_states_stays_a_placeholder(name: str, why: str) -> None:
    reading = read(name)
    assert reading.placeholder, why
    assert not reading.variadic


@pytest.mark.parametrize(
    ("name", "signature", "how"),
    [
        ("torch.sym_sum", "(*args)", "inspect.signature of torch.sym_sum, which reads its *args itself"),
        (
            "torch.nn.Container",
            "(**kwargs)",
            "inspect.signature of torch.nn.modules.container.Container.__init__, which reads its **kwargs itself",
        ),
        (
            "mindspore.nn.SequentialCell",
            "(*args)",
            "inspect.signature of mindspore.nn.layer.container.SequentialCell.__init__, which reads its *args itself",
        ),
        (
            "mindspore.nn.CellDict",
            "(*args, **kwargs)",
            "inspect.signature of mindspore.nn.layer.container.CellDict.__init__, "
            "which reads its *args and **kwargs itself",
        ),
        (  # RuntimeError.__init__ shows (*args, **kwargs), but BaseException refuses keywords
            "torch.linalg.LinAlgError",
            "(*args)",
            "the constructor of BaseException, which _LinAlgError inherits: any positional arguments",
        ),
    ],
)
def test_a_callable_defined_with_only_stars_is_variadic_not_a_placeholder(name: str, signature: str, how: str) -> None:
    reading = read(name)
    assert ([str(s) for s in reading.signatures], reading.how) == ([signature], how)
    assert reading.variadic and reading.starred and not reading.placeholder


@pytest.mark.parametrize(
    "name",
    [
        "mindspore.mint.add",  # generated dispatcher: def add(*args, **kwargs) forwards both to an overload table
        "torch.nn.functional.max_pool2d",  # boolean_dispatch: reads *args, then passes them on to the function chosen
        "torch.unique",  # the same dispatch wrapper
    ],
)
def test_a_wrapper_is_never_variadic_by_definition(name: str) -> None:
    """Even with the docstring and closure readers left out, the rule refuses what passes its stars on."""
    obj = resolve(name)
    starred = introspect._read_inspect(obj, name.rsplit(".", 1)[1])
    assert starred is not None and starred.starred
    assert introspect._read_variadic(obj, starred) is None
    assert introspect._reads_its_stars(obj) is None  # for this reason: it passes them on whole
    assert not read(name).starred  # what it reads instead


def _reads(*args: object, **kwargs: object) -> int:
    return len(args) + len(kwargs)


def _forwards(*args: object, **kwargs: object) -> int:
    if not args:
        return 0
    return _reads(*args, **kwargs)


def _ignores(*args: object) -> None:
    pass


def test_only_a_def_that_reads_its_stars_defines_them() -> None:
    assert introspect._reads_its_stars(_reads) == "*args and **kwargs"
    assert introspect._reads_its_stars(_forwards) is None
    assert introspect._reads_its_stars(_ignores) is None


@pytest.mark.parametrize(
    ("name", "signature", "how"),
    [
        # builtin_function_or_method, flags 0x4 and 0x8
        ("torch.get_autocast_ipu_dtype", "()", "the C method table (METH_NOARGS: no arguments)"),
        ("torch.set_autocast_xla_enabled", "(arg, /)", "the C method table (METH_O: one positional argument, unnamed)"),
        # method_descriptor of mindspore's TensorPy, flags 0x4
        ("mindspore.Tensor.wait_pipeline", "()", "the C method table (METH_NOARGS: no arguments)"),
    ],
)
def test_a_builtin_with_no_other_signature_is_read_from_its_method_table(name: str, signature: str, how: str) -> None:
    reading = read(name)
    assert (reading.source, [str(s) for s in reading.signatures], reading.how) == ("method table", [signature], how)


def test_the_method_table_reads_each_calling_convention_of_python_builtins() -> None:
    assert [str(s) for s in _table(len).signatures] == ["(arg, /)"]  # METH_O
    assert [str(s) for s in _table(dict.keys).signatures] == ["()"]  # a method descriptor, METH_NOARGS
    assert introspect._read_method_table(print, "print") is None  # METH_FASTCALL | METH_KEYWORDS
    assert introspect._read_method_table(_reads, "_reads") is None  # not a C function


def _table(obj: object) -> introspect.Reading:
    reading = introspect._read_method_table(obj, getattr(obj, "__name__", ""))
    assert reading is not None
    return reading


@pytest.mark.parametrize(
    "name",
    [
        "mindspore.Tensor.data_sync",  # method_descriptor, METH_VARARGS (0x1)
        "mindspore.Tensor.from_dlpack",  # static method, METH_VARARGS | METH_STATIC (0x21)
    ],
)
def test_a_varargs_builtin_stays_without_a_signature(name: str) -> None:
    assert introspect._read_method_table(resolve(name), name.rsplit(".", 1)[1]) is None
    with pytest.raises(ApiNotFoundError):
        read(name)


def test_new_says_what_the_method_table_and_a_variadic_definition_leave_to_check() -> None:
    names = ("torch.set_autocast_xla_enabled", "torch.get_autocast_xla_dtype", "mindspore.nn.CellList")
    assert Draft("", {name: read(name) for name in names}).provenance() == [
        "torch.set_autocast_xla_enabled: signature from the C method table (METH_O: one positional argument, "
        "unnamed); the method table names no parameter: take the name from the documentation",
        "torch.get_autocast_xla_dtype: signature from the C method table (METH_NOARGS: no arguments)",
        "mindspore.nn.CellList: signature from inspect.signature of mindspore.nn.layer.container.CellList.__init__, "
        "which reads its *args and **kwargs itself; variadic by its own definition: "
        "say in the summary what the arguments are",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "mindspore.Tensor.set_init_flag",  # no Args section, but its example calls set_init_flag(True)
        "mindspore.Tensor.offload",  # "Arg: str : file path ...": an argument without a name
    ],
)
def test_a_method_documented_with_an_argument_is_not_read_as_taking_none(name: str) -> None:
    with pytest.raises(ApiNotFoundError):
        read(name)


def test_walk_reads_every_public_callable_of_a_namespace() -> None:
    walked = walk(["torch.fft", "mindspore.mint.linalg"])
    names = {w.name for w in walked}
    assert {"torch.fft.fft", "torch.fft.rfft2", "mindspore.mint.linalg.vector_norm"} <= names
    assert all(w.reading is not None and not w.reading.placeholder for w in walked)
    fft = next(w for w in walked if w.name == "torch.fft.fft")
    assert fft.reading is not None and fft.reading.source == "docstring"
    assert str(fft.reading.signatures[0]) == "(input, n=None, dim=-1, norm=None, *, out=None)"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "torch.nn.CeLU",
            "torch.nn.CeLU does not exist in torch 2.13.0; "
            "did you mean torch.nn.CELU or torch.celu or torch.nn.functional.celu?",
        ),
        (
            "torch.nn.SeLU",
            "torch.nn.SeLU does not exist in torch 2.13.0; "
            "did you mean torch.nn.SELU or torch.selu or torch.nn.functional.selu?",
        ),
        (  # MindSpore spells it HSigmoid, in nn and in ops
            "mindspore.nn.Hsigmoid",
            "mindspore.nn.Hsigmoid does not exist in mindspore 2.10.0; "
            "did you mean mindspore.nn.HSigmoid or mindspore.ops.HSigmoid or mindspore.mint.nn.Sigmoid?",
        ),
        (  # a neighbouring namespace has it
            "mindspore.mint.nn.HSigmoid",
            "mindspore.mint.nn.HSigmoid does not exist in mindspore 2.10.0; "
            "did you mean mindspore.ops.HSigmoid or mindspore.nn.HSigmoid or mindspore.mint.nn.Sigmoid?",
        ),
    ],
)
def test_suggestions_ignore_case_and_look_next_door(name: str, message: str) -> None:
    with pytest.raises(ApiNotFoundError) as caught:
        resolve(name)
    assert str(caught.value) == message


def test_new_says_where_each_signature_came_from(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    assert main(["new", "torch.sum", "mindspore.mint.add"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "apimap: torch.sum: 2 signatures from the docstring, 2 overloads; "
        "check names and defaults against the documentation",
        "apimap: mindspore.mint.add: signature from the docstring; check names and defaults against the documentation",
        "apimap: wrote mappings/torch.sum.yaml; replace its TODO placeholders, then run `apimap check`",
    ]
    text = (project / "mappings" / "torch.sum.yaml").read_text(encoding="utf-8")
    assert "  signature: (input, *, dtype=None)\n  overloads:\n  - (input, dim, keepdim=False, *, dtype=None)\n" in text


def test_check_compares_each_overload(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (DATA / "overloads" / "torch.sum.yaml").read_text(encoding="utf-8")
    spec = project / "mappings" / "torch.sum.yaml"
    spec.write_text(text, encoding="utf-8")
    monkeypatch.chdir(project)
    assert main(["check"]) == 0, capsys.readouterr().err
    spec.write_text(text.replace("(input, dim, keepdim=False, *,", "(input, dim, keepdim=False,"), encoding="utf-8")
    capsys.readouterr()
    assert main(["check"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "mappings/torch.sum.yaml:7:7: torch.sum: parameter 'dtype' is keyword-only, not normal "
        "(against the installed overload (input, dim, keepdim=False, *, dtype=None))",
        "apimap: 1 error",
    ]
    long = "(input, dim, keepdim=False, *, dtype=None)"
    spec.write_text(text.replace("signature: (input, *, dtype=None)", f"signature: {long}"), encoding="utf-8")
    assert main(["check"]) == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        "mappings/torch.sum.yaml:6:3: torch.sum: the installed version has overload "
        "(input, *, dtype=None), which the spec does not declare"
    )
