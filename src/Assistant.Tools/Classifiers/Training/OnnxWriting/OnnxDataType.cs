namespace Assistant.Tools.Classifiers.Training.OnnxWriting;

/// <summary>ONNX tensor element types as the file format numbers them (<c>TensorProto.DataType</c>).</summary>
public enum OnnxDataType
{
    Float = 1,
    Int64 = 7,
}
